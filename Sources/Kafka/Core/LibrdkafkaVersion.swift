import CRdKafka

/// The librdkafka versions this process was compiled against and actually loaded, and the start-up check between them.
///
/// Debian 12's librdkafka 2.0.2 has the same SONAME (`librdkafka.so.1`) as the 2.8.0 that `scripts/setup` installs,
/// so a binary built against new headers can still load the old library at run time, then fail on first contact with
/// a current broker. Every client in this module calls ``requireRuntime()`` before creating a handle.
public struct LibrdkafkaVersion: Comparable, Hashable, Sendable, CustomStringConvertible {
    /// librdkafka's packed version: `0xMMmmrrxx` (major, minor, revision, pre-release).
    public let packed: Int32

    /// Wraps a packed `0xMMmmrrxx` version number.
    public init(packed: Int32) { self.packed = packed }

    /// The oldest librdkafka this module accepts: 2.2.0, the first release with the ApiVersions tagged-field fix.
    public static let minimum = LibrdkafkaVersion(packed: 0x0202_00ff)

    /// The librdkafka loaded into this process (`rd_kafka_version()`).
    public static var runtime: LibrdkafkaVersion { LibrdkafkaVersion(packed: rd_kafka_version()) }

    /// The librdkafka headers this module was compiled against (`RD_KAFKA_VERSION`).
    public static var headers: LibrdkafkaVersion { LibrdkafkaVersion(packed: RD_KAFKA_VERSION) }

    /// `major.minor.revision`.
    public var description: String {
        "\((packed >> 24) & 0xff).\((packed >> 16) & 0xff).\((packed >> 8) & 0xff)"
    }

    /// Orders by the packed number, which orders releases correctly.
    public static func < (lhs: LibrdkafkaVersion, rhs: LibrdkafkaVersion) -> Bool { lhs.packed < rhs.packed }

    /// Throws ``UnsupportedLibrdkafkaError`` when the loaded librdkafka is older than ``minimum``.
    ///
    /// `loaded` is a parameter so the refusal itself can be tested; production callers use the default.
    public static func requireRuntime(loaded: LibrdkafkaVersion = .runtime) throws(UnsupportedLibrdkafkaError) {
        if loaded < minimum {
            throw UnsupportedLibrdkafkaError(loaded: loaded, compiledAgainst: headers, minimum: minimum)
        }
    }
}

/// The librdkafka loaded at run time is too old for this module (see ``LibrdkafkaVersion``).
public struct UnsupportedLibrdkafkaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The version the dynamic loader picked.
    public let loaded: LibrdkafkaVersion
    /// The version of the headers the binary was built with.
    public let compiledAgainst: LibrdkafkaVersion
    /// The oldest accepted version.
    public let minimum: LibrdkafkaVersion

    /// What was found, what is needed and how to fix it.
    public var description: String {
        "librdkafka \(loaded) was loaded at run time, but avatar-worker needs >= \(minimum) (built against "
            + "\(compiledAgainst)). An older librdkafka.so.1 (Debian 12 ships 2.0.2) shadows the new one: run "
            + "scripts/setup (installs 2.8.0 into /usr/local and runs ldconfig), or put the newer library first with "
            + "LD_LIBRARY_PATH=<prefix>/lib."
    }
}

import CRdKafka

/// The partition a keyed record goes to under one of librdkafka's built-in partitioners: what a reader needs to find
/// a key's records without scanning every partition (`avatar-worker status` looks a job up by its id this way).
///
/// The hash is librdkafka's own function, not a copy: `rd_kafka_msg_partitioner_consistent` (CRC32),
/// `…_murmur2` (Java-compatible) and `…_fnv1a`, so the answer is the one a producer with the same `partitioner`
/// property writes to. The `*_random` names differ from their consistent twins only for keyless (or, for
/// `consistent_random`, empty) keys, which this type refuses; `random` has no mapping at all.
///
/// Safety of the calls: the three functions read only `key`, `keylen` and `partition_cnt` (librdkafka's
/// `rdkafka_msg.c`: `return rd_crc32(key, keylen) % partition_cnt;` and the like); the topic handle and opaques
/// they are declared with are used only by the random fallback, which is never reached, so `nil` is passed.
public struct KafkaPartitioner: Sendable, Hashable, CustomStringConvertible {
    /// The `partitioner` property value this stands for.
    public let name: String
    private let hash: Hash

    private enum Hash: Sendable, Hashable {
        case crc32, murmur2, fnv1a
    }

    private init(name: String, hash: Hash) {
        self.name = name
        self.hash = hash
    }

    /// librdkafka's default (`consistent_random`): CRC32 of the key.
    public static let consistentRandom = KafkaPartitioner(name: "consistent_random", hash: .crc32)
    /// `murmur2_random`: the Java client's default, for topics shared with JVM producers.
    public static let murmur2Random = KafkaPartitioner(name: "murmur2_random", hash: .murmur2)

    /// The partitioner a `partitioner` property value names, nil for `random` or an unknown name.
    public init?(name: String) {
        switch name {
        case "consistent", "consistent_random": self.init(name: name, hash: .crc32)
        case "murmur2", "murmur2_random": self.init(name: name, hash: .murmur2)
        case "fnv1a", "fnv1a_random": self.init(name: name, hash: .fnv1a)
        default: return nil
        }
    }

    /// The names ``init(name:)`` accepts, for error messages.
    public static let names = ["consistent", "consistent_random", "murmur2", "murmur2_random", "fnv1a", "fnv1a_random"]

    /// The partitioner a client configuration uses: its `partitioner` property, or librdkafka's default.
    /// - Throws: ``KafkaErrorCode/invalidArgument`` for a value with no key mapping (`random`, a typo).
    public init(configuration: KafkaConfiguration) throws(KafkaError) {
        let name = configuration["partitioner"] ?? Self.consistentRandom.name
        guard let partitioner = KafkaPartitioner(name: name) else {
            throw KafkaError(
                code: .invalidArgument,
                reason: "partitioner=\(name) does not map keys to partitions; expected one of \(Self.names.joined(separator: ", "))",
                operation: "map a key to its partition", isRetriable: false)
        }
        self = partitioner
    }

    /// The partition of `key` in a topic of `partitionCount` partitions.
    /// - Precondition: `key` is not empty and `partitionCount` ≥ 1 (checked: a violation is a programming error).
    public func partition(of key: [UInt8], partitionCount: Int) -> Int32 {
        precondition(!key.isEmpty && partitionCount >= 1, "a non-empty key and at least one partition are required")
        let count = Int32(clamping: partitionCount)
        return key.withUnsafeBytes { bytes in
            switch hash {
            case .crc32: rd_kafka_msg_partitioner_consistent(nil, bytes.baseAddress, bytes.count, count, nil, nil)
            case .murmur2: rd_kafka_msg_partitioner_murmur2(nil, bytes.baseAddress, bytes.count, count, nil, nil)
            case .fnv1a: rd_kafka_msg_partitioner_fnv1a(nil, bytes.baseAddress, bytes.count, count, nil, nil)
            }
        }
    }

    /// The partition of the UTF-8 `key`.
    public func partition(of key: String, partitionCount: Int) -> Int32 {
        partition(of: Array(key.utf8), partitionCount: partitionCount)
    }

    /// The property value.
    public var description: String { name }
}

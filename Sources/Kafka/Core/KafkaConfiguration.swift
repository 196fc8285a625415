import CRdKafka

/// librdkafka configuration as a value: any property passes straight through, common ones have typed accessors.
///
/// Property names and values are librdkafka's own (see its CONFIGURATION.md), so settings from a `kafka.*` option or
/// an environment variable can be copied in unchanged with ``subscript(_:)`` or ``merging(_:)``. Nothing is checked
/// until a client is created from the configuration; then an unknown property or bad value becomes a ``KafkaError``
/// with code ``KafkaErrorCode/invalidArgument`` naming the property and the value seen.
public struct KafkaConfiguration: Hashable, Sendable {
    /// Every property set, by librdkafka name.
    public private(set) var properties: [String: String]

    /// A configuration holding exactly `properties`.
    public init(_ properties: [String: String] = [:]) { self.properties = properties }

    /// Defaults for a producer: idempotence on (no duplicates or reordering on retry), `acks=all`.
    public static func producer(bootstrapServers: String) -> KafkaConfiguration {
        var configuration = KafkaConfiguration(["bootstrap.servers": bootstrapServers])
        configuration.enableIdempotence = true
        configuration["acks"] = "all"
        return configuration
    }

    /// Defaults for a group consumer: cooperative-sticky assignment (a rebalance moves only the partitions that must
    /// move), start at the earliest offset when the group has none, explicit offset store with periodic auto-commit of
    /// the stored offsets.
    public static func consumer(bootstrapServers: String, groupID: String) -> KafkaConfiguration {
        KafkaConfiguration([
            "bootstrap.servers": bootstrapServers,
            "group.id": groupID,
            "partition.assignment.strategy": "cooperative-sticky",
            "auto.offset.reset": "earliest",
            "enable.auto.offset.store": "false",
        ])
    }

    /// Reads or sets (nil removes) one librdkafka property.
    public subscript(_ property: String) -> String? {
        get { properties[property] }
        set { properties[property] = newValue }
    }

    /// This configuration with `overrides` applied on top (later wins).
    public func merging(_ overrides: [String: String]) -> KafkaConfiguration {
        KafkaConfiguration(properties.merging(overrides) { _, new in new })
    }

    /// `bootstrap.servers`: comma-separated `host:port` list.
    public var bootstrapServers: String? {
        get { self["bootstrap.servers"] }
        set { self["bootstrap.servers"] = newValue }
    }

    /// `client.id`: shows up in broker logs and metrics.
    public var clientID: String? {
        get { self["client.id"] }
        set { self["client.id"] = newValue }
    }

    /// `group.id`: the consumer group.
    public var groupID: String? {
        get { self["group.id"] }
        set { self["group.id"] = newValue }
    }

    /// `transactional.id`: enables the transactional producer API.
    public var transactionalID: String? {
        get { self["transactional.id"] }
        set { self["transactional.id"] = newValue }
    }

    /// `enable.idempotence`.
    public var enableIdempotence: Bool? {
        get { self["enable.idempotence"].map { $0 == "true" } }
        set { self["enable.idempotence"] = newValue.map { $0 ? "true" : "false" } }
    }

    /// `isolation.level`: `read_committed` hides aborted and open transactions from a consumer.
    public var readCommitted: Bool? {
        get { self["isolation.level"].map { $0 == "read_committed" } }
        set { self["isolation.level"] = newValue.map { $0 ? "read_committed" : "read_uncommitted" } }
    }

    /// `session.timeout.ms`. Local Tansu brokers want 6 s: their group join waits half of it.
    public var sessionTimeout: Duration? {
        get { self["session.timeout.ms"].flatMap(Self.duration(milliseconds:)) }
        set { self["session.timeout.ms"] = newValue.map(Self.milliseconds) }
    }

    /// `message.timeout.ms`: how long a produced message may wait for delivery, retries included.
    public var messageTimeout: Duration? {
        get { self["message.timeout.ms"].flatMap(Self.duration(milliseconds:)) }
        set { self["message.timeout.ms"] = newValue.map(Self.milliseconds) }
    }

    /// `linger.ms`: how long the producer waits to fill a batch.
    public var linger: Duration? {
        get { self["linger.ms"].flatMap(Self.duration(milliseconds:)) }
        set { self["linger.ms"] = newValue.map(Self.milliseconds) }
    }

    /// `statistics.interval.ms`: when set, librdkafka statistics arrive as ``KafkaClientEvent/statistics(_:)``.
    public var statisticsInterval: Duration? {
        get { self["statistics.interval.ms"].flatMap(Self.duration(milliseconds:)) }
        set { self["statistics.interval.ms"] = newValue.map(Self.milliseconds) }
    }

    /// A `Duration` as whole milliseconds, the unit of every librdkafka `*.ms` property.
    public static func milliseconds(_ duration: Duration) -> String {
        String(Self.millisecondCount(duration))
    }

    /// A `Duration` as a whole number of milliseconds, clamped to `Int32` (librdkafka's timeout type).
    static func millisecondCount(_ duration: Duration) -> Int32 {
        let (seconds, attoseconds) = duration.components
        let total = seconds.multipliedReportingOverflow(by: 1000)
        guard !total.overflow else { return seconds < 0 ? 0 : Int32.max }
        let ms = total.partialValue + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, ms))
    }

    private static func duration(milliseconds text: String) -> Duration? {
        Int64(text).map { .milliseconds($0) }
    }

    /// Builds an `rd_kafka_conf_t` (the caller owns it), reporting the first property librdkafka rejects.
    func makeNative(operation: String) throws(KafkaError) -> OpaquePointer {
        guard let conf = rd_kafka_conf_new() else {
            throw KafkaError(code: .invalidArgument, reason: "rd_kafka_conf_new returned nil", operation: operation)
        }
        var errstr = [CChar](repeating: 0, count: 512)
        for (name, value) in properties.sorted(by: { $0.key < $1.key }) {
            let result = rd_kafka_conf_set(conf, name, value, &errstr, errstr.count)
            if result != RD_KAFKA_CONF_OK {
                rd_kafka_conf_destroy(conf)
                throw KafkaError(
                    code: .invalidArgument,
                    reason: "property \(name)=\"\(value)\" rejected: \(CString.string(errstr))",
                    operation: operation, isRetriable: false)
            }
        }
        return conf
    }
}

/// A topic's configuration as the cluster reports it (DescribeConfigs), entry by entry.
///
/// Apache Kafka reports every config of a topic, defaults included (``Entry/isDefault``); some Kafka-compatible
/// brokers report only the configs set on the topic, so a missing name means "not reported", never "the default".
public struct KafkaTopicConfigs: Sendable, Hashable {
    /// One config entry.
    public struct Entry: Sendable, Hashable {
        /// The value, or nil when the broker withholds it (a sensitive config) or has none.
        public var value: String?
        /// Whether the value is the broker's default rather than set on the topic.
        public var isDefault: Bool
        /// Whether the broker hides the value (passwords and the like).
        public var isSensitive: Bool

        /// An entry.
        public init(value: String?, isDefault: Bool = false, isSensitive: Bool = false) {
            self.value = value
            self.isDefault = isDefault
            self.isSensitive = isSensitive
        }
    }

    /// The entries by config name (`cleanup.policy`, `retention.ms`, …).
    public var entries: [String: Entry]

    /// Configs from their entries.
    public init(entries: [String: Entry] = [:]) {
        self.entries = entries
    }

    /// The value of config `name`, or nil when it was not reported (or has no value).
    public subscript(name: String) -> String? { entries[name]?.value }
}

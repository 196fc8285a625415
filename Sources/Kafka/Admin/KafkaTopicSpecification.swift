/// A topic to create: name, partition count, replication factor and topic configs (e.g. `cleanup.policy=compact`).
public struct KafkaTopicSpecification: Hashable, Sendable {
    /// The topic name.
    public var name: String
    /// The number of partitions (≥ 1).
    public var partitions: Int32
    /// Copies of each partition; -1 takes the broker's default.
    public var replicationFactor: Int32
    /// Topic-level configs, e.g. `["cleanup.policy": "compact"]`.
    public var configs: [String: String]

    /// Describes a topic.
    public init(name: String, partitions: Int32, replicationFactor: Int32 = -1, configs: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.configs = configs
    }
}

/// What creating one topic did.
public enum KafkaTopicCreation: Hashable, Sendable {
    /// The topic was created.
    case created
    /// A topic of that name already existed; nothing was changed (its partition count may differ, check it with
    /// ``KafkaAdmin/partitionCount(of:timeout:)``).
    case alreadyExists
}

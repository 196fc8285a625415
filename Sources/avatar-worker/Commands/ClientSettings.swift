import AvatarWorker
import Kafka

/// Where a client command reads and writes: the cluster, the topics, the workers' group and the librdkafka
/// properties, resolved by ``ClientConnectionOptions`` from the same layers `run` uses.
struct ClientSettings: Sendable {
    /// The loaded options (only the connection part matters to client commands).
    let configuration: WorkerConfiguration

    /// The jobs topic.
    var jobsTopic: String { configuration.jobsTopic }
    /// The task-ledger topic.
    var tasksTopic: String { configuration.tasksTopic }
    /// The results topic.
    var resultsTopic: String { configuration.resultsTopic }
    /// The dead-letter topic.
    var dlqTopic: String { configuration.dlqTopic }
    /// The workers' consumer group.
    var group: String { configuration.group }

    /// A producer configuration (idempotent, `acks=all`) with the pass-through properties on top; large enough for
    /// jobs with inline media.
    func producerConfiguration() -> KafkaConfiguration {
        var configuration = KafkaConfiguration.producer(bootstrapServers: self.configuration.brokers)
        configuration["message.max.bytes"] = String(self.configuration.maxMessageBytes + 1 << 20)
        return configuration.merging(self.configuration.kafka)
    }

    /// A configuration for readers and admin requests outside any group.
    func readerConfiguration() -> KafkaConfiguration {
        KafkaConfiguration(["bootstrap.servers": configuration.brokers]).merging(configuration.kafka)
    }

    /// How keys map to partitions for producers configured like this one (the `partitioner` property).
    func partitioner() throws(KafkaError) -> KafkaPartitioner {
        try KafkaPartitioner(configuration: producerConfiguration())
    }
}

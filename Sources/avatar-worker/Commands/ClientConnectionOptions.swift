import ArgumentParser
import Kafka

/// The broker options every client command (`submit`, `results`, `dlq`) shares: where the cluster is, and any
/// librdkafka property passed through unchanged (security settings, timeouts).
struct ClientConnectionOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers (host:port, comma-separated).")
    var brokers: String

    @Option(name: .customLong("kafka"), help: "librdkafka property NAME=VALUE passed through unchanged (repeatable).")
    var kafkaProperties: [String] = []

    func validate() throws {
        _ = try properties()
    }

    /// The pass-through properties as a dictionary.
    func properties() throws -> [String: String] {
        var result: [String: String] = [:]
        for entry in kafkaProperties {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--kafka must be NAME=VALUE (a librdkafka property), got \(entry)")
            }
            result[parts[0]] = parts[1]
        }
        return result
    }

    /// A producer configuration (idempotent, `acks=all`) with the pass-through properties on top.
    func producerConfiguration() throws -> KafkaConfiguration {
        KafkaConfiguration.producer(bootstrapServers: brokers).merging(try properties())
    }

    /// A configuration for readers outside any group.
    func readerConfiguration() throws -> KafkaConfiguration {
        KafkaConfiguration(["bootstrap.servers": brokers]).merging(try properties())
    }
}

import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker topics`: topic administration for the worker.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create the worker's topics.",
        subcommands: [Create.self])

    /// `avatar-worker topics create`: the jobs, tasks, results and DLQ topics with one partition count.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create jobs, tasks (compacted), results and DLQ topics with the same partition count.",
            discussion: """
                Existing topics are reported and left alone; an existing topic with another partition count is an \
                error, because ledger partition p must hold the jobs of jobs partition p.
                """)

        @Option(help: "Kafka bootstrap servers (host:port, comma-separated).")
        var brokers = "127.0.0.1:9092"

        @Option(help: "Partitions of every topic.")
        var partitions: Int32

        @Option(name: .customLong("replication-factor"), help: "Copies of each partition (-1: the broker's default).")
        var replicationFactor: Int32 = -1

        @Option(name: .customLong("jobs-topic"), help: "Jobs topic.")
        var jobsTopic = "avatar.jobs"

        @Option(name: .customLong("tasks-topic"), help: "Task-ledger topic (created with cleanup.policy=compact).")
        var tasksTopic = "avatar.tasks"

        @Option(name: .customLong("results-topic"), help: "Results topic.")
        var resultsTopic = "avatar.results"

        @Option(name: .customLong("dlq-topic"), help: "Dead-letter topic.")
        var dlqTopic = "avatar.jobs.dlq"

        @Option(name: .customLong("max-message-bytes"),
                help: "max.message.bytes of the jobs and DLQ topics (0: the broker's default; jobs with inline media need ~22 MiB).")
        var maxMessageBytes = 0

        @Option(name: .customLong("kafka"), help: "A librdkafka property NAME=VALUE for the admin client (repeatable).")
        var kafkaProperties: [String] = []

        func validate() throws {
            guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1, got \(partitions)") }
            guard maxMessageBytes >= 0 else { throw ValidationError("--max-message-bytes must not be negative") }
            let names = [jobsTopic, tasksTopic, resultsTopic, dlqTopic]
            guard Set(names).count == names.count else { throw ValidationError("the four topics must be distinct") }
        }

        func run() async throws {
            var properties = ["bootstrap.servers": brokers]
            for property in kafkaProperties {
                let parts = property.split(separator: "=", maxSplits: 1).map(String.init)
                guard parts.count == 2 else { throw ValidationError("--kafka expects NAME=VALUE, got \(property)") }
                properties[parts[0]] = parts[1]
            }
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(properties))
            let large = maxMessageBytes > 0 ? ["max.message.bytes": String(maxMessageBytes)] : [:]
            let specifications = [
                KafkaTopicSpecification(name: jobsTopic, partitions: partitions, replicationFactor: replicationFactor, configs: large),
                KafkaTopicSpecification(
                    name: tasksTopic, partitions: partitions, replicationFactor: replicationFactor,
                    configs: ["cleanup.policy": "compact"]),
                KafkaTopicSpecification(name: resultsTopic, partitions: partitions, replicationFactor: replicationFactor),
                KafkaTopicSpecification(name: dlqTopic, partitions: partitions, replicationFactor: replicationFactor, configs: large),
            ]
            let outcomes = try await admin.createTopics(specifications)
            var mismatches: [String] = []
            for specification in specifications {
                let count = try await admin.partitionCount(of: specification.name)
                let what = outcomes[specification.name] == .alreadyExists ? "exists" : "created"
                print("\(specification.name): \(what), \(count) partitions")
                if count != Int(specification.partitions) {
                    mismatches.append("\(specification.name) has \(count) partitions, expected \(partitions)")
                }
            }
            guard mismatches.isEmpty else {
                throw ValidationError("partition counts differ: " + mismatches.joined(separator: "; "))
            }
        }
    }
}

import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker topics`: topic administration for the worker.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create the worker's topics.",
        discussion: "Example: avatar-worker topics create --brokers kafka:9092 --partitions 12",
        subcommands: [Create.self])

    /// `avatar-worker topics create`: the jobs, tasks, results and DLQ topics with one partition count.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create jobs, tasks (compacted), results, DLQ and DLQ replay-log (compacted) topics with one partition count.",
            discussion: """
                Existing topics are reported and left alone; an existing topic with another partition count is an \
                error, because ledger partition p must hold the jobs of jobs partition p.

                Example: avatar-worker topics create --brokers kafka:9092 --partitions 12 --max-message-bytes 23068672
                """)

        @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

        @Option(help: "Partitions of every topic.")
        var partitions: Int32

        @Option(name: .customLong("replication-factor"), help: "Copies of each partition (-1: the broker's default).")
        var replicationFactor: Int32 = -1

        @OptionGroup var replayLog: ReplayLogOption

        @Option(name: .customLong("max-message-bytes"),
                help: "max.message.bytes of the jobs and DLQ topics (0: the broker's default; jobs with inline media need ~22 MiB).")
        var maxMessageBytes = 0

        func validate() throws {
            guard partitions >= 1 else { throw ValidationError("--partitions must be at least 1, got \(partitions)") }
            guard maxMessageBytes >= 0 else { throw ValidationError("--max-message-bytes must not be negative") }
            let settings = try connection.settings()
            let replayLogTopic = replayLog.topic(for: settings)
            guard ![settings.jobsTopic, settings.tasksTopic, settings.resultsTopic, settings.dlqTopic].contains(replayLogTopic) else {
                throw ValidationError("--replay-log-topic \(replayLogTopic) is already one of the other topics")
            }
        }

        func run() async throws {
            let settings = try connection.settings()
            let admin = try KafkaAdmin(configuration: settings.readerConfiguration())
            let large = maxMessageBytes > 0 ? ["max.message.bytes": String(maxMessageBytes)] : [:]
            let specifications = [
                KafkaTopicSpecification(name: settings.jobsTopic, partitions: partitions, replicationFactor: replicationFactor, configs: large),
                KafkaTopicSpecification(
                    name: settings.tasksTopic, partitions: partitions, replicationFactor: replicationFactor,
                    configs: ["cleanup.policy": "compact"]),
                KafkaTopicSpecification(name: settings.resultsTopic, partitions: partitions, replicationFactor: replicationFactor),
                KafkaTopicSpecification(name: settings.dlqTopic, partitions: partitions, replicationFactor: replicationFactor, configs: large),
                KafkaTopicSpecification(
                    name: replayLog.topic(for: settings), partitions: partitions, replicationFactor: replicationFactor,
                    configs: ["cleanup.policy": "compact"]),
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

import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker topics`: topic administration for the worker.
struct TopicsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topics",
        abstract: "Create, check and grow the worker's topics.",
        discussion: """
            Examples:
              avatar-worker topics create --brokers kafka:9092 --partitions 12
              avatar-worker topics check --brokers kafka:9092
              avatar-worker topics expand --brokers kafka:9092 --partitions 24
            """,
        subcommands: [Create.self, Check.self, Expand.self])

    /// `avatar-worker topics create`: the jobs, tasks, results, DLQ and replay-log topics with one partition count.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create jobs, tasks (compacted), results, DLQ and DLQ replay-log (compacted) topics with one partition count.",
            discussion: """
                The two compacted topics get configs that make compaction run on Apache Kafka (Kafka never compacts \
                the active segment): segment.ms 1h, min.cleanable.dirty.ratio 0.1, delete.retention.ms 1d, \
                min.compaction.lag.ms 0, max.compaction.lag.ms 6h; the --ledger-… options change them. Existing \
                topics are reported and left alone (topics check shows their configs); an existing topic with \
                another partition count is an error, because ledger partition p must hold the jobs of jobs partition p.

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

        @OptionGroup(title: "Compaction of the tasks and replay-log topics") var compaction: LedgerCompactionOptions

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
            let specifications = WorkerTopic.all(settings: settings, replayLog: replayLog.topic(for: settings)).map { topic in
                KafkaTopicSpecification(
                    name: topic.name, partitions: partitions, replicationFactor: replicationFactor,
                    configs: topic.creationConfigs(compaction: compaction.configs, large: large))
            }
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

import ArgumentParser
import Foundation
import Kafka

extension TopicsCommand {
    /// `avatar-worker topics expand --partitions N`: grows every worker topic to N partitions together.
    struct Expand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grow the jobs, tasks, results, DLQ and replay-log topics together to a larger partition count.",
            discussion: """
                Kafka can add partitions, never remove them: N must be above the current count (a topic that has N \
                already is left alone, so a run stopped half-way can be repeated). The other topics grow first and \
                the jobs topic last, so every new jobs partition has its ledger partition when jobs reach it. Then \
                the command waits until the cluster's metadata shows N for every topic (--timeout) and fails if it \
                does not. Running workers learn the new count by themselves (see the README, "Growing the topics": \
                new keys may map to other partitions).

                Exit status: 0 grown, 1 the cluster refused or the counts disagree afterwards, 2 a usage error \
                (including N not above the current count) or no connection to Kafka.

                Example: avatar-worker topics expand --brokers kafka:9092 --partitions 24
                """)

        @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

        @OptionGroup var replayLog: ReplayLogOption

        @Option(help: "The new partition count of every topic.")
        var partitions: Int

        @Option(help: "Seconds to wait for the cluster to answer and for its metadata to show the new counts.")
        var timeout = 60

        func validate() throws {
            guard partitions >= 2 else { throw ValidationError("--partitions must be at least 2 to grow anything, got \(partitions)") }
            guard partitions <= Int(Int32.max) else { throw ValidationError("--partitions \(partitions) is too large") }
            guard timeout >= 1 else { throw ValidationError("--timeout must be at least 1 second") }
        }

        func run() async throws {
            let settings = try connection.settings()
            let admin = try KafkaAdmin(configuration: settings.readerConfiguration())
            let topics = WorkerTopic.all(settings: settings, replayLog: replayLog.topic(for: settings))
            let inspector = TopicInspector(admin: admin)
            let before = try await inspector.partitionCounts(topics)
            let expansion: TopicExpansion
            do {
                expansion = try TopicExpansion.plan(topics, counts: before, to: partitions)
            } catch {
                throw ValidationError(error.description)
            }
            for request in [expansion.first, expansion.second] where !request.isEmpty {
                try await grow(request, admin: admin, jobsTopic: settings.jobsTopic)
            }
            let after = try await waitForCounts(expansion, inspector: inspector, topics: topics)
            for topic in topics {
                let from = before[topic.name].map(String.init) ?? "?"
                let to = after[topic.name].map(String.init) ?? "missing"
                StandardOutput.line("\(topic.name): \(from == to ? "had" : "grown from \(from) to") \(to) partitions")
            }
            let mismatches = expansion.mismatches(in: after)
            guard mismatches.isEmpty else {
                StandardOutput.error("avatar-worker: after \(timeout)s the cluster still reports other counts than \(partitions) for "
                    + mismatches.map { "\($0) (\(after[$0].map(String.init) ?? "missing"))" }.joined(separator: ", "))
                throw ExitCode(1)
            }
        }

        /// One CreatePartitions request; a refusal ends the command with the cluster's reason.
        private func grow(_ totals: [String: Int32], admin: KafkaAdmin, jobsTopic: String) async throws {
            let refused: [String: KafkaError]
            do {
                refused = try await admin.createPartitions(totals, timeout: .seconds(timeout))
            } catch {
                guard error.code == .unsupportedFeature else { throw error }
                StandardOutput.error("""
                    avatar-worker: the broker does not support CreatePartitions (\(error.reason)); grow the topics with the \
                    cluster's own tools to \(partitions) partitions each, every other topic before \(jobsTopic)
                    """)
                throw ExitCode(1)
            }
            guard refused.isEmpty else {
                for (topic, error) in refused.sorted(by: { $0.key < $1.key }) {
                    StandardOutput.error("avatar-worker: \(topic) not grown: \(error.code.name): \(error.reason)")
                }
                throw ExitCode(1)
            }
        }

        /// The counts once every topic shows `partitions` in the metadata, or the last ones seen at the timeout.
        private func waitForCounts(
            _ expansion: TopicExpansion, inspector: TopicInspector, topics: [WorkerTopic]
        ) async throws -> [String: Int] {
            let deadline = ContinuousClock.now.advanced(by: .seconds(timeout))
            while true {
                let counts = try await inspector.partitionCounts(topics)
                if expansion.mismatches(in: counts).isEmpty || ContinuousClock.now >= deadline { return counts }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }
}

import ArgumentParser
import Foundation
import Kafka

extension TopicsCommand {
    /// `avatar-worker topics check`: every worker topic's partition count and configs, judged against the design.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report partition counts, compaction and retention of the worker's topics; exit 1 on anything that breaks the design.",
            discussion: """
                Reads the jobs, tasks, results, DLQ and replay-log topics (metadata and DescribeConfigs) and reports \
                as problems: a missing topic; partition counts that differ; a tasks or replay-log topic that is not \
                compacted, whose cleanup.policy also deletes, or whose segment.ms exceeds 1d (Kafka never compacts \
                the active segment); a jobs or tasks retention.ms shorter than the workers' total deadline \
                (--total-deadline, or the workers' config file and environment). A config the broker does not report \
                (some Kafka-compatible brokers report only configs set on the topic) is a warning.

                Output: a table and the findings on a terminal, else one JSON object (--format).
                Exit status: 0 the topics fit, 1 a problem was found, 2 a usage error or no connection to Kafka.

                Example: avatar-worker topics check --brokers kafka:9092 --config-file /etc/avatar-worker/worker.json
                """)

        @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

        @OptionGroup var replayLog: ReplayLogOption

        @Option(name: .customLong("total-deadline"),
                help: "The workers' total deadline (default: from the config file and environment, as run reads it; else 60m).")
        var totalDeadline: ConfigMilliseconds?

        @Option(help: "Output: auto (text on a terminal, else JSON), text or json.")
        var format: OutputFormat = .auto

        func run() async throws {
            let settings = try connection.settings()
            let deadline = totalDeadline?.value ?? Int64(settings.configuration.totalDeadline.seconds * 1000)
            let admin = try KafkaAdmin(configuration: settings.readerConfiguration())
            let topics = WorkerTopic.all(settings: settings, replayLog: replayLog.topic(for: settings))
            let observed = try await TopicInspector(admin: admin).observe(topics)
            let report = TopicCheckReport(
                topics: observed, findings: TopicCheck(totalDeadlineMilliseconds: deadline).findings(observed),
                totalDeadlineMilliseconds: deadline)
            StandardOutput.line(format.usesText ? report.text : StandardOutput.jsonLine(report.json))
            if !report.isHealthy { throw ExitCode(1) }
        }
    }
}

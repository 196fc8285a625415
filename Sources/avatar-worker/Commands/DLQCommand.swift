import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker dlq`: the messages workers could not read as jobs — listing them with the reason and origin the
/// worker put in their headers (`dlq list`, the default), and sending fixed ones back (`dlq replay`).
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List dead-letter messages (the default) or replay fixed ones to the jobs topic.",
        subcommands: [List.self, DLQReplayCommand.self],
        defaultSubcommand: List.self)

    /// `avatar-worker dlq list`.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List dead-letter messages (one JSON line each): error code and message, origin, a value excerpt.",
            discussion: """
                Each line: {"partition","offset","key","error_code","error_message","original_topic",\
                "original_partition","original_offset","value_bytes","value_excerpt"}. Reads without a consumer group.

                Example: avatar-worker dlq list --brokers kafka:9092 --error-code job.not_json
                """)

        @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

        @OptionGroup(title: "Which dead letters") var filter: DeadLetterFilter

        @Flag(help: "Keep waiting for new messages after reaching the end (offset and partition filters do not apply).")
        var follow = false

        @Option(help: "Characters of the raw value to show.")
        var excerptLength = 120

        func run() async throws {
            let settings = try connection.settings()
            guard follow else {
                for letter in try await filter.read(topic: settings.dlqTopic, configuration: settings.readerConfiguration()) {
                    StandardOutput.line(letter.jsonLine(excerptLength: excerptLength))
                }
                return
            }
            let tail = KafkaTopicTail(configuration: settings.readerConfiguration(), topic: settings.dlqTopic, follow: true)
            for try await record in tail.records() where filter.matches(DeadLetter(record: record)) {
                StandardOutput.line(DeadLetter(record: record).jsonLine(excerptLength: excerptLength))
            }
        }
    }
}

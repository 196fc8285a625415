import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker dlq`: lists the messages workers could not read as jobs, with the reason and origin the worker
/// put in their headers and a short excerpt of the raw bytes, so a person can see what was sent and why it failed.
struct DLQCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dlq",
        abstract: "List dead-letter messages (one JSON line each): error code and message, origin, a value excerpt.",
        discussion: """
            Each line: {"partition","offset","key","error_code","error_message","original_topic",\
            "original_partition","original_offset","value_bytes","value_excerpt"}. Reads without a consumer group.
            """
    )

    @OptionGroup var connection: ClientConnectionOptions

    @Option(help: "Dead-letter topic to read.")
    var topic = "avatar.jobs.dlq"

    @Flag(help: "Keep waiting for new messages after reaching the end.")
    var follow = false

    @Option(help: "Characters of the raw value to show.")
    var excerptLength = 120

    func run() async throws {
        let tail = KafkaTopicTail(configuration: try connection.readerConfiguration(), topic: topic, follow: follow)
        for try await record in tail.records() {
            StandardOutput.line(Self.line(for: record, excerptLength: excerptLength))
        }
    }

    /// One dead-letter record as a JSON line (sorted keys; absent headers are null).
    static func line(for record: KafkaConsumerMessage, excerptLength: Int) -> String {
        func header(_ name: String) -> Any { record.header(name)?.text ?? NSNull() }
        let excerpt = record.value.map { String(decoding: $0.prefix(max(0, excerptLength)), as: UTF8.self) }
        let object: [String: Any] = [
            "partition": Int(record.partition), "offset": Int(record.offset), "key": record.keyText ?? NSNull(),
            "error_code": header("error-code"), "error_message": header("error-message"),
            "original_topic": header("original-topic"), "original_partition": header("original-partition"),
            "original_offset": header("original-offset"),
            "value_bytes": record.value?.count ?? 0, "value_excerpt": excerpt ?? NSNull(),
        ]
        return StandardOutput.jsonLine(object)
    }
}

import Foundation
import Kafka

/// A record of the dead-letter topic as the worker wrote it: the original key and raw bytes, and why and where from
/// in headers (`error-code`, `error-message`, `original-topic`, `original-partition`, `original-offset`).
struct DeadLetter: Sendable, Hashable {
    /// The record itself.
    let record: KafkaConsumerMessage

    /// The worker's error code (`job.not_json`, `job.too_large`, …).
    var errorCode: String? { record.header("error-code")?.text }
    /// The worker's reason.
    var errorMessage: String? { record.header("error-message")?.text }
    /// The topic the message was first produced to.
    var originalTopic: String? { record.header("original-topic")?.text }
    /// Its partition there.
    var originalPartition: Int32? { record.header("original-partition")?.text.flatMap { Int32($0) } }
    /// Its offset there.
    var originalOffset: Int64? { record.header("original-offset")?.text.flatMap { Int64($0) } }
    /// The original key as text.
    var key: String? { record.keyText }

    /// `topic/partition/offset`: the dead letter's identity in the replay log and in the replayed message's header.
    var position: String { "\(record.topic)/\(record.partition)/\(record.offset)" }

    /// The line `dlq list` prints (sorted keys; absent headers are null).
    func jsonLine(excerptLength: Int) -> String {
        let excerpt = record.value.map { String(decoding: $0.prefix(max(0, excerptLength)), as: UTF8.self) }
        func text(_ value: String?) -> Any { value ?? NSNull() }
        let object: [String: Any] = [
            "partition": Int(record.partition), "offset": Int(record.offset), "key": text(key),
            "error_code": text(errorCode), "error_message": text(errorMessage),
            "original_topic": text(originalTopic), "original_partition": text(record.header("original-partition")?.text),
            "original_offset": text(record.header("original-offset")?.text),
            "value_bytes": record.value?.count ?? 0, "value_excerpt": excerpt ?? NSNull(),
        ]
        return StandardOutput.jsonLine(object)
    }
}

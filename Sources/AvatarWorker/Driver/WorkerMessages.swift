import AvatarJobs
import Foundation
import Kafka

/// Builds every record the worker writes, so topics, keys, partitions and headers follow the contract in one place.
///
/// - Ledger records and tombstones go to the tasks topic at the job's partition number, written explicitly (never
///   through a partitioner: producers may hash keys differently), keyed by `job_id`.
/// - Result events are keyed by `job_id` with `event-type`, `content-type` and the job's `traceparent` headers.
/// - DLQ records keep the original key and raw bytes and say why in headers.
struct WorkerMessages: Sendable {
    let jobsTopic: String
    let tasksTopic: String
    let resultsTopic: String
    let dlqTopic: String

    init(configuration: WorkerConfiguration) {
        jobsTopic = configuration.jobsTopic
        tasksTopic = configuration.tasksTopic
        resultsTopic = configuration.resultsTopic
        dlqTopic = configuration.dlqTopic
    }

    /// The ledger record `record` on tasks partition `partition`, keyed `jobID`.
    func ledger(_ record: AvatarTaskRecord, jobID: String, partition: Int32) throws -> KafkaProducerMessage {
        KafkaProducerMessage(topic: tasksTopic, partition: partition, key: Array(jobID.utf8), value: try record.encoded())
    }

    /// The record the core asked to publish.
    func message(for record: PipelineCore.OutgoingRecord) throws -> KafkaProducerMessage {
        switch record {
        case .result(let event, let traceparent):
            try result(event, traceparent: traceparent)
        case .deadLetter(let letter):
            deadLetter(letter)
        case .tombstone(let jobID, let partition):
            tombstone(jobID: jobID, partition: partition)
        }
    }

    /// The tombstone ending `jobID`'s ledger record on tasks partition `partition`.
    func tombstone(jobID: String, partition: Int32) -> KafkaProducerMessage {
        KafkaProducerMessage(topic: tasksTopic, partition: partition, key: Array(jobID.utf8), value: nil)
    }

    /// The result event, keyed by its job id, with the contract's headers.
    func result(_ event: AvatarResultEvent, traceparent: String?) throws -> KafkaProducerMessage {
        var headers = [
            KafkaHeader(name: "event-type", text: event.type.rawValue),
            KafkaHeader(name: "content-type", text: "application/json"),
        ]
        if let traceparent { headers.append(KafkaHeader(name: "traceparent", text: traceparent)) }
        return KafkaProducerMessage(
            topic: resultsTopic, key: Array(event.jobID.utf8), value: try ContractCoding.encode(event), headers: headers)
    }

    /// The DLQ copy of an unreadable job message: original key and bytes, the reason in headers. A message over
    /// `--max-message-bytes` keeps its first `--max-message-bytes` only, with `original-size` (its length) and
    /// `value-truncated: true`.
    func deadLetter(_ letter: PipelineCore.DeadLetter) -> KafkaProducerMessage {
        var headers = [
            KafkaHeader(name: "error-code", text: letter.code),
            KafkaHeader(name: "error-message", text: letter.reason),
            KafkaHeader(name: "original-topic", text: letter.raw.topic),
            KafkaHeader(name: "original-partition", text: String(letter.partition)),
            KafkaHeader(name: "original-offset", text: String(letter.offset)),
        ]
        if let size = letter.raw.originalByteCount {
            headers += [KafkaHeader(name: "original-size", text: String(size)), KafkaHeader(name: "value-truncated", text: "true")]
        }
        return KafkaProducerMessage(topic: dlqTopic, key: letter.raw.key, value: letter.raw.value ?? [], headers: headers)
    }
}

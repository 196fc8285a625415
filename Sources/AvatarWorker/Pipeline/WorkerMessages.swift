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

    /// The ledger record `record` on tasks partition `partition`.
    func ledger(_ record: AvatarTaskRecord, partition: Int32) throws -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: tasksTopic, partition: partition, key: Array(record.jobID.utf8), value: try record.encoded())
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

    /// The DLQ copy of an unreadable job message: original key and bytes, the reason in headers.
    func deadLetter(_ message: KafkaConsumerMessage, code: String, reason: String) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: dlqTopic, key: message.key, value: message.value ?? [],
            headers: [
                KafkaHeader(name: "error-code", text: code),
                KafkaHeader(name: "error-message", text: reason),
                KafkaHeader(name: "original-topic", text: message.topic),
                KafkaHeader(name: "original-partition", text: String(message.partition)),
                KafkaHeader(name: "original-offset", text: String(message.offset)),
            ])
    }
}

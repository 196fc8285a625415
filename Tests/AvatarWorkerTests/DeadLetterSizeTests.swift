@testable import AvatarWorker
import Kafka
import Testing

/// A message far over `--max-message-bytes` (found by `avatar-worker fuzz`: a 1.3 MB message under a 256 KiB limit)
/// used to be copied whole to the DLQ; the worker's producer refuses records above the limit plus 1 MiB, so the copy
/// was retried forever and the partition's committed offset never passed it. Its DLQ copy is now cut to the limit.
@Suite struct DeadLetterSizeTests {
    private func configuration(maxMessageBytes: Int) throws -> WorkerConfiguration {
        try WorkerConfiguration.load(
            flags: ["brokers": "127.0.0.1:1", "max-message-bytes": String(maxMessageBytes)],
            environment: ["COMETAPI_KEY": "test-key-0123456789"])
    }

    private func message(_ value: [UInt8]) -> KafkaConsumerMessage {
        KafkaConsumerMessage(topic: "avatar.jobs", partition: 2, offset: 41, key: Array("k".utf8), value: value)
    }

    @Test("a message over the limit keeps its first max-message-bytes in the DLQ, marked as cut with its size")
    func oversizedIsCut() throws {
        let configuration = try configuration(maxMessageBytes: 2048)
        let value = Array(#"{"job_id":"big-1","prompt":""#.utf8) + [UInt8](repeating: 0x78, count: 5000)
        let consumed = JobIntake(configuration: configuration).read(message(value))
        guard case .unreadable(let code, _, let jobID) = consumed.intake else {
            Issue.record("an oversized message was read as \(consumed.intake)")
            return
        }
        #expect(code == "job.too_large")
        #expect(jobID == "big-1")
        #expect(consumed.raw.value == Array(value.prefix(2048)))
        #expect(consumed.raw.originalByteCount == value.count)
        let letter = WorkerMessages(configuration: configuration).deadLetter(PipelineCore.DeadLetter(
            raw: consumed.raw, code: code, reason: "too large", partition: 2, offset: 41))
        #expect(letter.value?.count == 2048)
        #expect(letter.headers.first { $0.name == "original-size" }?.text == String(value.count))
        #expect(letter.headers.first { $0.name == "value-truncated" }?.text == "true")
    }

    @Test("an unreadable message within the limit is copied whole, without the cut headers")
    func withinLimitIsWhole() throws {
        let configuration = try configuration(maxMessageBytes: 2048)
        let value = Array(#"{"job_id": "broken-1", "image": "#.utf8)
        let consumed = JobIntake(configuration: configuration).read(message(value))
        #expect(consumed.raw.value == value)
        #expect(consumed.raw.originalByteCount == nil)
        let letter = WorkerMessages(configuration: configuration).deadLetter(PipelineCore.DeadLetter(
            raw: consumed.raw, code: "job.not_json", reason: "not JSON", partition: 2, offset: 41))
        #expect(!letter.headers.contains { $0.name == "original-size" || $0.name == "value-truncated" })
    }
}

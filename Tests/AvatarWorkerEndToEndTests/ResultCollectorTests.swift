import AvatarJobs
import Foundation
import Kafka
import KafkaDevelopment
import TestSupport
import Testing
import WorkerTestSupport

/// The end-to-end tests' judge must catch every breach it is meant to: proven here on hand-made result topics.
@Suite("Result collector")
struct ResultCollectorTests {
    private func event(_ type: AvatarResultEvent.EventType, _ jobID: String, code: String? = nil) -> AvatarResultEvent {
        var event = AvatarResultEvent(type: type, jobID: jobID, attempt: 1, occurredAt: Date(), worker: .init(id: "test"))
        if type == .succeeded { event.videos = [.init(id: "v", url: "https://video.example.com/v.mp4")] }
        if let code { event.error = ResultError(code: code, message: "because", retryable: false) }
        return event
    }

    @Test("duplicates with one event_id pass; two outcomes, a missing job, a wrong key and junk are reported")
    func contractViolations() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("results")
            let configuration = KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers])
            _ = try await KafkaAdmin(configuration: configuration).createTopic(KafkaTopicSpecification(name: topic, partitions: 2))
            let collector = await ResultCollector(bootstrapServers: broker.bootstrapServers, topic: topic)
            let writes: [(key: String, event: AvatarResultEvent?)] = [
                ("ok", event(.succeeded, "ok")),
                ("dup", event(.succeeded, "dup")), ("dup", event(.succeeded, "dup")),
                ("two", event(.succeeded, "two")), ("two", event(.failed, "two", code: "task.failed")),
                ("bad", event(.failed, "bad", code: "mode.invalid")),
                ("wrong-key", event(.failed, "keyed", code: "mode.invalid")),
                ("junk", nil),
            ]
            let producer = try KafkaProducer(configuration: broker.producerConfiguration())
            for write in writes {
                let value = try write.event.map(ContractCoding.encode) ?? Array("not an event".utf8)
                _ = try await producer.send(KafkaProducerMessage(topic: topic, key: Array(write.key.utf8), value: value))
            }
            await producer.close()
            try await collector.waitForTerminalEvents(of: ["ok", "dup", "two", "bad", "keyed"], within: .seconds(30))
            try await waitUntil("the junk record", within: .seconds(30)) { await !collector.unreadableRecords.isEmpty }

            let violations = await collector.contractViolations(for: ["ok", "dup", "two", "bad", "missing"])
            #expect(violations.count == 4, "\(violations)")
            #expect(violations.contains { $0.hasPrefix("two: 2 different terminal events") })
            #expect(violations.contains("missing: no terminal event"))
            #expect(violations.contains { $0.contains("keyed wrong-key for job keyed") })
            #expect(violations.contains { $0.hasPrefix("unreadable result record") })

            let jobs = [
                EndToEndJobs.Job(jobID: "ok", bytes: [], expectedErrorCode: nil),
                EndToEndJobs.Job(jobID: "bad", bytes: [], expectedErrorCode: "job.unknown_field"),
                EndToEndJobs.Job(jobID: "keyed", bytes: [], expectedErrorCode: nil),
            ]
            let outcomes = await collector.outcomeViolations(for: jobs)
            #expect(outcomes == [
                "bad: failed mode.invalid, expected job.unknown_field",
                "keyed: failed mode.invalid (because), expected succeeded",
            ])
            #expect(await collector.outcomeViolations(for: [jobs[2]], allowedFailures: ["mode.invalid"]) == [])
            await collector.stop()
        }
    }

    @Test("every invalid job kind the tests use is refused by the validator with exactly its code")
    func invalidKindsMatchTheValidator() {
        let validator = JobValidator()
        for kind in EndToEndJobs.invalidKinds.indices {
            let job = EndToEndJobs.invalid("kind-\(kind)", kind: kind)
            guard case .failure(let failure) = validator.validate(job.bytes) else {
                Issue.record("kind \(kind) (\(job.expectedErrorCode ?? "?")) passed validation")
                continue
            }
            #expect(failure.errors.first?.code.rawValue == job.expectedErrorCode)
            #expect(failure.jobID == job.jobID)
        }
        guard case .success = validator.validate(EndToEndJobs.valid("fine").bytes) else {
            Issue.record("the valid job factory makes invalid jobs")
            return
        }
    }
}

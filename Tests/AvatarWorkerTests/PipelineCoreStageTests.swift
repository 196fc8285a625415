import AvatarJobs
@testable import AvatarWorker
import Testing

/// The instants behind `avatar_worker_stage_latency_seconds`: what the core hands the driver for intake_to_create
/// and decided_to_acked, on the manual clock.
@Suite("Pipeline core: the worker's own stages")
struct PipelineCoreStageTests {
    @Test("the first create carries the instant the job was received; a retry after a refusal carries none")
    func intakeInstant() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("job-1", offset: 0)
        let received = h.now
        h.now = h.now.advanced(by: .milliseconds(3))
        h.ackWrites()
        let first = try #require(h.creates.first)
        #expect(first.call.receivedAt == received, "the stage runs from the message's receipt, the ledger write inside it")
        h.handle(.createAnswered(id: first.id, .failed(.transient(retryAfter: nil), api: nil)))
        h.advance(.seconds(2))
        let retry = try #require(h.creates.first, "the refused create is sent again after its backoff")
        #expect(retry.call.receivedAt == nil, "a retry's wait is backoff, not the worker's work")
    }

    @Test("a restored job's create carries no receipt instant")
    func restoredJob() throws {
        var h = CoreHarness()
        let record = h.record("job-r", offset: 0)
        h.assign(0, records: [("job-r", record)])
        h.consume("job-r", offset: 0)
        h.ackWrites()
        #expect(h.allCreates <= 1)
        for create in h.creates { #expect(create.call.receivedAt == nil) }
    }

    @Test("decided_to_acked runs from the terminal poll answer to the result's acknowledgement, across a failed write")
    func decidedToAcked() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-1", offset: 0)
        h.advance(.seconds(15))
        let poll = try #require(h.queries.first)
        h.handle(.polled(id: poll.id, PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "x")))))
        let decided = h.now
        h.now = h.now.advanced(by: .milliseconds(4))
        h.ackPublications(succeeded: false)
        // The failed write is retried after its backoff; the stage still runs from the decision.
        for _ in 0..<20 where h.publications.isEmpty { h.advance(.milliseconds(250)) }
        #expect(!h.publications.isEmpty, "the result is published again")
        h.ackPublications()
        let acked = h.observations.compactMap { observation -> Double? in
            if case .resultAcked(_, _, _, let sinceDecided) = observation { return sinceDecided }
            return nil
        }
        let seconds = try #require(acked.first)
        #expect(seconds == decided.duration(to: h.now).inSeconds, "the failed attempt's time is inside the stage")
        #expect(acked.count == 1)
    }

    @Test("a rejection's acknowledgement has no decided instant")
    func rejection() throws {
        var h = CoreHarness()
        h.assign(0)
        let failure = JobValidationFailure(jobID: "bad-1", errors: [
            JobValidationError(code: .init(rawValue: "image.too_small"), field: "$.image", message: "too small"),
        ])
        h.consume(.invalid(failure), offset: 0)
        h.ackPublications()
        let acked = h.observations.compactMap { observation -> Double?? in
            if case .resultAcked(_, _, _, let sinceDecided) = observation { return sinceDecided }
            return nil
        }
        #expect(acked.count == 1)
        #expect(acked.first == .some(nil))
    }

    @Test("once a task exists the job's payload is let go; a redelivered message does not bring it back")
    func payloadReleased() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("job-1", offset: 0)
        #expect(h.core.jobs["job-1"]?.job != nil, "the create needs it")
        h.ackWrites()
        h.createTasks()
        #expect(h.core.jobs["job-1"]?.job != nil, "until the submitted record is acknowledged")
        h.ackWrites()
        #expect(h.core.jobs["job-1"]?.job == nil, "polling needs only the ledger record")
        #expect(h.core.jobs["job-1"]?.lifecycle.taskID == "task-job-1")
        h.consume("job-1", offset: 0)
        #expect(h.core.jobs["job-1"]?.job == nil)
        h.advance(.seconds(15))
        let poll = try #require(h.queries.first, "it is polled all the same")
        h.handle(.polled(id: poll.id, PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "x")))))
        #expect(h.results.first?.jobID == "job-1")
    }
}

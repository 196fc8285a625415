import AvatarJobs
import AvatarWorker
import Testing

/// Exactly-once mode: results travel with their tombstones and offsets in transactions.
@Suite("Pipeline core: exactly-once transactions")
struct PipelineCoreExactlyOnceTests {
    @Test("a result, its tombstone and its job's offset go in one transaction; nothing is stored for auto-commit")
    func resultWithTombstone() throws {
        var h = CoreHarness(options: CoreHarness.options(exactlyOnce: true))
        h.assign(0)
        h.consume("slow", offset: 0)
        h.ackWrites()
        let slow = try #require(h.creates.first)
        h.startPolling("job-1", offset: 1)
        #expect(h.all.allSatisfy { if case .storeOffset = $0 { false } else { true } })
        h.advance(.seconds(15))
        h.handle(.polled(id: h.queries[0].id, PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "x")))))
        h.advance(.milliseconds(500))
        #expect(h.transactions.isEmpty, "offset 0 is still creating: a commit cannot pass job-1 yet")
        h.handle(.createAnswered(id: slow.id, .created(taskID: "task-slow")))
        h.ackWrites()
        h.commitRound()
        h.commitRound()
        let transaction = try #require(h.all.reversed().compactMap { command -> [PipelineCore.OutgoingRecord]? in
            if case .transaction(_, let records, _) = command, !records.isEmpty { return records }
            return nil
        }.first)
        #expect(transaction.count == 2)
        guard case .tombstone(let jobID, _) = transaction[1] else { Issue.record("expected the tombstone"); return }
        #expect(jobID == "job-1")
    }

    @Test("a job that fails before it is submitted is published with its own offset, not held back forever")
    func failureBeforeSubmitted() throws {
        var h = CoreHarness(options: CoreHarness.options(exactlyOnce: true))
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites()
        h.handle(.createAnswered(id: h.creates[0].id, .failed(
            .permanent(TaskFailure(code: "api.permanent", message: "bad")),
            api: ResultError.APIDetails(httpStatus: 400, code: 1201, message: "bad", requestID: nil))))
        h.advance(.milliseconds(500))
        let transaction = try #require(h.transactions.first, "the result waits for no other commit")
        #expect(transaction.offsets == [0: 1])
        #expect(h.results.first?.error?.api?.code == 1201)
    }

    @Test("an aborted transaction's records go out again in the next one")
    func abortedTransaction() throws {
        var h = CoreHarness(options: CoreHarness.options(exactlyOnce: true))
        h.assign(0)
        let failure = JobValidationFailure(jobID: "bad-1", errors: [
            JobValidationError(code: .init(rawValue: "image.too_small"), field: "$.image", message: "too small"),
        ])
        h.consume(.invalid(failure), offset: 0)
        h.advance(.milliseconds(500))
        let first = try #require(h.transactions.first)
        h.handle(.transactionEnded(id: first.id, succeeded: false))
        h.advance(.milliseconds(500))
        let second = try #require(h.transactions.first)
        #expect(second.records.count == first.records.count)
        #expect(second.offsets == [0: 1])
        h.handle(.transactionEnded(id: second.id, succeeded: true))
        h.advance(.seconds(1))
        #expect(h.transactions.isEmpty)
    }
}

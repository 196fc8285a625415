import AvatarJobs
import AvatarWorker
import Testing

/// Creates: the slot bound, the partition share and its AIMD, the account gate, retries and their bounds.
@Suite("Pipeline core: submission")
struct PipelineCoreSubmissionTests {
    @Test("creates in flight never exceed the bound; the next one goes when one answers")
    func createBound() throws {
        var h = CoreHarness(options: CoreHarness.options(maxConcurrentCreates: 2), fleetCap: 8, partitions: 1)
        h.assign(0)
        var creates: [UInt64] = []
        for index in 0..<3 {
            h.consume("job-\(index)", offset: Int64(index))
            h.ackWrites()
            creates += h.creates.map(\.id)
        }
        #expect(creates.count == 2)
        h.handle(.createAnswered(id: creates[0], .created(taskID: "t0")))
        #expect(h.creates.map(\.call.job.job.jobID) == ["job-2"])
    }

    @Test("the share pauses the partition; a 1303 halves the limit and retries after the backoff")
    func shareAndConcurrencyLimit() throws {
        var h = CoreHarness(fleetCap: 4, partitions: 1)
        h.assign(0)
        for index in 0..<4 {
            h.consume("job-\(index)", offset: Int64(index))
            if index == 3 { #expect(h.pauses == [0], "the fourth job fills the share of 4") }
            h.ackWrites()
        }
        let create = try #require(h.last.compactMap { if case .create(let id, _) = $0 { id } else { nil } }.first)
        h.handle(.createAnswered(id: create, .failed(.throttled(retryAfter: .seconds(2), concurrencyLimit: true), api: nil)))
        let status = try #require(h.core.partitionStatus.first)
        #expect(status.inFlightLimit == 2)
        h.advance(.seconds(1))
        #expect(h.creates.isEmpty, "Retry-After 2 s holds the retry back")
        h.advance(.seconds(2))
        #expect(h.creates.count == 1)
    }

    @Test("an account error closes the gate: creates wait, one probe after the interval, then all resume")
    func accountGate() throws {
        var h = CoreHarness(fleetCap: 8, partitions: 1)
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites()
        let first = try #require(h.creates.first)
        h.handle(.createAnswered(id: first.id, .failed(
            .account(TaskFailure(code: "api.account", message: "arrears")),
            api: ResultError.APIDetails(httpStatus: 400, code: 1101, message: "arrears", requestID: nil))))
        h.consume("job-1", offset: 1)
        h.ackWrites()
        #expect(h.creates.isEmpty, "the gate is closed")
        h.advance(.seconds(59))
        #expect(h.creates.isEmpty)
        h.advance(.seconds(1))
        let probe = try #require(h.creates.first)
        #expect(probe.call.isProbe)
        #expect(h.creates.count == 1, "one probe at a time")
        h.handle(.createAnswered(id: probe.id, .created(taskID: "t-probe")))
        #expect(h.creates.count == 1, "the gate opened: the held job goes")
        #expect(h.results.isEmpty, "nothing failed")
    }

    @Test("when the attempts run out the job fails as api.unavailable, retryable")
    func attemptsExhausted() throws {
        var h = CoreHarness(options: CoreHarness.options(createAttempts: 2))
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites()
        for _ in 0..<2 {
            let create = try #require(h.all.reversed().compactMap { if case .create(let id, _) = $0 { id } else { nil } }.first)
            h.handle(.createAnswered(id: create, .failed(.transient(retryAfter: nil), api: nil)))
            h.advance(.seconds(2))
        }
        let failed = try #require(h.allResults.first)
        #expect(failed.error?.code == TaskFailure.apiUnavailableCode)
        #expect(failed.error?.retryable == true)
        #expect(h.allCreates == 2)
    }

    @Test("an unknown outcome fails as submission.ambiguous under the default policy; reconciliation adopts a found task")
    func ambiguity() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites()
        h.handle(.createAnswered(id: h.creates[0].id, .failed(.ambiguous(reason: "timeout"), api: nil)))
        #expect(h.results.first?.error?.code == TaskFailure.submissionAmbiguousCode)

        var r = CoreHarness(options: CoreHarness.options(policy: .reconcileThenFail))
        r.assign(0)
        r.consume("job-0", offset: 0)
        r.ackWrites()
        r.handle(.createAnswered(id: r.creates[0].id, .failed(.ambiguous(reason: "timeout"), api: nil)))
        let query = try #require(r.reconciles.first)
        r.handle(.reconciled(id: query.id, .found(taskID: "t-found")))
        #expect(r.ledgerWrites.first?.write.record?.taskID == "t-found")
        #expect(r.allCreates == 1)
    }
}

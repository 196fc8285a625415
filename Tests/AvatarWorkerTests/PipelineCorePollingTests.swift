import AvatarJobs
import AvatarWorker
import Testing

/// Polling from the core's one timer heap: mode delays, intervals, the global budget and concurrency, hints,
/// backoff and deadlines.
@Suite("Pipeline core: polling")
struct PipelineCorePollingTests {
    @Test("the first poll waits for the mode's delay, then the interval")
    func firstPollAndInterval() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("std", offset: 0, mode: .std)
        h.ackWrites(); h.createTasks(); h.ackWrites()
        h.consume("pro", offset: 1, mode: .pro)
        h.ackWrites(); h.createTasks(); h.ackWrites()
        h.advance(.seconds(14.9))
        #expect(h.queries.isEmpty)
        h.advance(.milliseconds(100))
        #expect(h.queries.map(\.taskID) == ["task-std"])
        h.handle(.polled(id: h.queries[0].id, PipelineCore.PollAnswer(report: .running)))
        h.advance(.seconds(9.9))
        #expect(h.queries.isEmpty)
        h.advance(.milliseconds(100))
        #expect(h.queries.map(\.taskID) == ["task-std"], "the interval is 10 s")
        h.advance(.seconds(5))
        #expect(h.queries.map(\.taskID) == ["task-pro"], "pro waits 30 s")
    }

    @Test("polls in flight never exceed the bound, and the request budget spaces them")
    func boundsAndBudget() throws {
        var h = CoreHarness(
            options: CoreHarness.options(pollLimits: PollLimits(requestsPerSecond: 2, burst: 2, maxConcurrentPolls: 3)),
            fleetCap: 8, partitions: 1)
        h.assign(0)
        for index in 0..<6 { h.startPolling("job-\(index)", offset: Int64(index)) }
        h.advance(.seconds(15))
        #expect(h.queries.count == 2, "a burst of 2")
        h.advance(.milliseconds(500))
        #expect(h.queries.count == 1, "one more token after half a second")
        h.advance(.seconds(1))
        #expect(h.queries.isEmpty, "three polls in flight: the bound holds")
        let inFlight = h.all.compactMap { if case .query(let id, _) = $0 { id } else { nil } }
        h.handle(.polled(id: inFlight[0], PipelineCore.PollAnswer(report: .running)))
        #expect(h.queries.count == 1, "a slot freed")
    }

    @Test("a budget-bound worker wakes at most every 10 ms and sends the polls the budget accrued meanwhile")
    func budgetWakeFloor() throws {
        var h = CoreHarness(
            options: CoreHarness.options(pollLimits: PollLimits(requestsPerSecond: 1000, burst: 50, maxConcurrentPolls: 10_000)),
            fleetCap: 400, partitions: 1)
        h.assign(0)
        for index in 0..<300 { h.startPolling("job-\(index)", offset: Int64(index)) }
        h.advance(.seconds(15))
        #expect(h.queries.count == 50, "the burst")
        // One token accrues each millisecond, yet the budget's timer waits 10 ms: a worker with nothing else going
        // on wakes then, not every millisecond (any other event still sends what has accrued).
        #expect(h.core.nextWakeup == h.now.advanced(by: .milliseconds(10)))
        h.now = h.now.advanced(by: .milliseconds(10))
        h.handle(.tick)
        // The budget refills continuously in floating point: the tenth token may land a hair after the tick.
        #expect((9...10).contains(h.queries.count), "the tokens of the ten milliseconds, together")
        #expect(h.core.nextWakeup == h.now.advanced(by: .milliseconds(10)))
        h.now = h.now.advanced(by: .milliseconds(10))
        h.handle(.tick)
        #expect(h.queries.count == 10, "the rate holds: 1,000/s after the burst")
    }

    @Test("a callback hint makes a task due now, or right after the poll in flight")
    func hints() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-0", offset: 0)
        h.advance(.seconds(1))
        h.handle(.callbackHint(taskID: "task-job-0"))
        let poll = try #require(h.queries.first)
        h.handle(.callbackHint(taskID: "task-job-0"))
        #expect(h.queries.isEmpty, "one poll at a time")
        h.handle(.polled(id: poll.id, PipelineCore.PollAnswer(report: .running)))
        #expect(h.queries.map(\.taskID) == ["task-job-0"], "the hint during the poll makes the next one immediate")
        h.handle(.callbackHint(taskID: "unknown-task"))
        #expect(h.queries.isEmpty)
        #expect(!h.core.isTracking(taskID: "unknown-task"))
    }

    @Test("a transient poll error backs off, never sooner than Retry-After")
    func transientBackoff() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-0", offset: 0)
        h.advance(.seconds(15))
        h.handle(.polled(id: h.queries[0].id, PipelineCore.PollAnswer(report: .transientError(retryAfter: .seconds(20)))))
        h.advance(.seconds(19.9))
        #expect(h.queries.isEmpty)
        h.advance(.milliseconds(100))
        #expect(h.queries.count == 1)
    }

    @Test("the total deadline ends a task between polls with deadline.exceeded; it is never polled again")
    func totalDeadline() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-0", offset: 0)
        h.advance(.seconds(15))
        h.handle(.polled(id: h.queries[0].id, PipelineCore.PollAnswer(report: .running)))
        h.advance(.seconds(3600))
        #expect(h.allResults.map(\.error?.code) == [TaskFailure.deadlineExceededCode])
        h.ackPublications()
        h.advance(.seconds(600))
        let pollsAfter = h.last.filter { if case .query = $0 { true } else { false } }
        #expect(pollsAfter.isEmpty)
    }

    @Test("the processing progress event goes out once, when the option is on")
    func progressEvents() throws {
        var h = CoreHarness(options: CoreHarness.options(progressEvents: true))
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites(); h.createTasks(); h.ackWrites()
        #expect(h.results.map(\.type) == [.submitted])
        h.advance(.seconds(15))
        h.handle(.polled(id: h.queries[0].id, PipelineCore.PollAnswer(report: .running, processing: true)))
        #expect(h.results.map(\.type) == [.processing])
        h.advance(.seconds(10))
        h.handle(.polled(id: h.queries[0].id, PipelineCore.PollAnswer(report: .running, processing: true)))
        #expect(h.results.isEmpty)
    }
}

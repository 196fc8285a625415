import CometAPI
import Testing
import TestSupport
@testable import AvatarWorker

@Suite("PollScheduler")
struct PollSchedulerTests {
    typealias Scheduler = PollScheduler<ManualClock>

    let clock = ManualClock()
    /// No jitter, so due times are exact.
    let policy = PollPolicy(jitter: 0, errorBackoff: .exponentialJitter(
        maximumAttempts: .max, baseDelay: .seconds(2), maximumDelay: .seconds(60)))

    func makeScheduler(_ limits: PollLimits = PollLimits(requestsPerSecond: 1000, burst: 1000)) -> Scheduler {
        Scheduler(clock: clock, policy: policy, limits: limits, random: SeededRandom(seed: 3))
    }

    func track(_ scheduler: Scheduler, _ taskID: String, partition: Int32 = 0, mode: PollMode = .std,
               submittedAgo: Duration = .zero, deadline: Duration = .seconds(3600)) async {
        let now = clock.now
        await scheduler.track(
            taskID: taskID, partition: partition, epoch: AssignmentEpoch(rawValue: 1), mode: mode,
            submittedAt: now.advanced(by: .zero - submittedAgo), deadline: now.advanced(by: deadline)
        )
    }

    func polled(_ event: Scheduler.Event?) -> Scheduler.DueTask? {
        if case .poll(let task) = event { return task }
        return nil
    }

    @Test func firstPollWaitsForTheModeDelay() async throws {
        let scheduler = makeScheduler()
        await track(scheduler, "pro-task", mode: .pro)
        await track(scheduler, "std-task", mode: .std)
        let waiting = Task { await scheduler.next() }
        await clock.waitForSleepers(atLeast: 1)
        #expect(clock.earliestSleeperDeadline == clock.now.advanced(by: .seconds(15)))
        clock.advance(by: .seconds(15))
        let first = try #require(polled(await waiting.value))
        #expect(first.taskID == "std-task" && first.pollNumber == 1)
        clock.advance(by: .seconds(15))
        #expect(polled(await scheduler.next())?.taskID == "pro-task")
    }

    @Test func yieldsTheEarliestDueTaskFirst() async {
        let scheduler = makeScheduler()
        await track(scheduler, "b", submittedAgo: .seconds(100))
        await track(scheduler, "c", submittedAgo: .seconds(20))
        await track(scheduler, "a", submittedAgo: .seconds(300))
        var order: [String] = []
        for _ in 0..<3 { order.append(polled(await scheduler.next())?.taskID ?? "-") }
        #expect(order == ["a", "b", "c"])
    }

    @Test func intervalsFollowThePolicyAfterEachPoll() async throws {
        let scheduler = makeScheduler()
        await track(scheduler, "t", submittedAgo: .seconds(15))
        let first = try #require(polled(await scheduler.next()))
        await scheduler.reschedule(first, after: .stillRunning)
        clock.advance(by: .seconds(9))
        let waiting = Task { await scheduler.next() }
        await clock.waitForSleepers(atLeast: 1)
        #expect(clock.earliestSleeperDeadline == clock.now.advanced(by: .seconds(1)))
        clock.advance(by: .seconds(1))
        #expect(polled(await waiting.value)?.pollNumber == 2)
    }

    @Test func transientErrorsBackOffAndRespectRetryAfter() async throws {
        let scheduler = makeScheduler()
        await track(scheduler, "t", submittedAgo: .seconds(15))
        let first = try #require(polled(await scheduler.next()))
        await scheduler.reschedule(first, after: .failedTransiently(retryAfter: .seconds(45)))
        let waiting = Task { await scheduler.next() }
        await clock.waitForSleepers(atLeast: 1)
        #expect(clock.earliestSleeperDeadline == clock.now.advanced(by: .seconds(45)))
        clock.advance(by: .seconds(45))
        #expect(polled(await waiting.value)?.taskID == "t")
    }

    @Test func aHintMakesATaskDueNow() async {
        let scheduler = makeScheduler()
        await track(scheduler, "t")
        #expect(await scheduler.hint(taskID: "t"))
        #expect(await scheduler.hint(taskID: "unknown") == false)
        #expect(polled(await scheduler.next())?.taskID == "t")
    }

    @Test func aHintDuringAPollMakesTheNextPollImmediate() async throws {
        let scheduler = makeScheduler()
        await track(scheduler, "t", submittedAgo: .seconds(15))
        let first = try #require(polled(await scheduler.next()))
        await scheduler.hint(taskID: "t")
        await scheduler.reschedule(first, after: .stillRunning)
        #expect(polled(await scheduler.next())?.pollNumber == 2)
    }

    @Test func theRequestBudgetSpacesPolls() async {
        let scheduler = makeScheduler(PollLimits(requestsPerSecond: 2, burst: 2, maxConcurrentPolls: 100))
        for id in ["a", "b", "c"] { await track(scheduler, id, submittedAgo: .seconds(60)) }
        _ = await scheduler.next()
        _ = await scheduler.next()
        let waiting = Task { await scheduler.next() }
        await clock.waitForSleepers(atLeast: 1)
        #expect(clock.earliestSleeperDeadline == clock.now.advanced(by: .milliseconds(500)))
        clock.advance(by: .milliseconds(500))
        #expect(polled(await waiting.value)?.taskID == "c")
    }

    @Test func theConcurrencyBoundHoldsUntilAPollIsHandedBack() async throws {
        let scheduler = makeScheduler(PollLimits(requestsPerSecond: 1000, burst: 1000, maxConcurrentPolls: 1))
        await track(scheduler, "a", submittedAgo: .seconds(60))
        await track(scheduler, "b", submittedAgo: .seconds(30))
        let a = try #require(polled(await scheduler.next()))
        let waiting = Task { await scheduler.next() }
        while await scheduler.waiterCount == 0 { await Task.yield() }
        #expect(await scheduler.pollsInFlight == 1)
        await scheduler.reschedule(a, after: .finished)
        #expect(polled(await waiting.value)?.taskID == "b")
        await scheduler.reschedule(a, after: .stillRunning)
        #expect(await scheduler.pollsInFlight == 1)
        #expect(await scheduler.isTracking("a") == false)
    }

    @Test func aPassedDeadlineIsReportedInsteadOfPolled() async throws {
        let scheduler = makeScheduler()
        await track(scheduler, "t", deadline: .seconds(20))
        clock.advance(by: .seconds(15))
        let first = try #require(polled(await scheduler.next()))
        await scheduler.reschedule(first, after: .stillRunning)
        let waiting = Task { await scheduler.next() }
        await clock.waitForSleepers(atLeast: 1)
        #expect(clock.earliestSleeperDeadline == clock.now.advanced(by: .seconds(5)))
        clock.advance(by: .seconds(5))
        guard case .deadlineExceeded(let task) = await waiting.value else {
            Issue.record("expected a deadline report")
            return
        }
        #expect(task.taskID == "t")
        #expect(await scheduler.trackedCount == 0)
    }

    @Test func revokingAPartitionDropsItsTasksAndIgnoresTheirLatePolls() async throws {
        let scheduler = makeScheduler()
        await track(scheduler, "p0", partition: 0, submittedAgo: .seconds(60))
        await track(scheduler, "p1-a", partition: 1, submittedAgo: .seconds(50))
        await track(scheduler, "p1-b", partition: 1, submittedAgo: .seconds(40))
        let inFlight = try #require(polled(await scheduler.next()))
        #expect(inFlight.taskID == "p0")
        #expect(await scheduler.untrack(partition: 0) == ["p0"])
        #expect(await scheduler.untrack(partition: 1) == ["p1-a", "p1-b"])
        await scheduler.reschedule(inFlight, after: .stillRunning)
        #expect(await scheduler.trackedCount == 0)
        #expect(await scheduler.pollsInFlight == 0)
    }

    @Test func aNewerEpochWinsAndAnOlderOneIsRefused() async {
        let scheduler = makeScheduler()
        let now = clock.now
        let later = now.advanced(by: .seconds(600))
        #expect(await scheduler.track(taskID: "t", partition: 0, epoch: AssignmentEpoch(rawValue: 5), mode: .std,
                                      submittedAt: now, deadline: later))
        #expect(await scheduler.track(taskID: "t", partition: 0, epoch: AssignmentEpoch(rawValue: 4), mode: .std,
                                      submittedAt: now, deadline: later) == false)
        #expect(await scheduler.track(taskID: "t", partition: 0, epoch: AssignmentEpoch(rawValue: 6), mode: .std,
                                      submittedAt: now, deadline: later))
        #expect(await scheduler.trackedCount == 1)
    }

    @Test func shutdownAndCancellationEndTheStream() async {
        let scheduler = makeScheduler()
        let waiting = Task { await scheduler.next() }
        let cancelled = Task { await scheduler.next() }
        while await scheduler.waiterCount < 2 { await Task.yield() }
        cancelled.cancel()
        #expect(await cancelled.value == nil)
        await scheduler.shutdown()
        #expect(await waiting.value == nil)
        var iterator = scheduler.events.makeAsyncIterator()
        #expect(await iterator.next() == nil)
    }

    @Test func theEventSequenceYieldsDueTasks() async {
        let scheduler = makeScheduler()
        await track(scheduler, "t", submittedAgo: .seconds(60))
        for await event in scheduler.events {
            #expect(polled(event)?.taskID == "t")
            break
        }
    }
}

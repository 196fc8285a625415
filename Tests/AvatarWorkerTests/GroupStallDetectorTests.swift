import Logging
import Synchronization
import TestSupport
import Testing
@testable import AvatarWorker

/// The rule that decides a worker has been left without partitions by its group, and the watch that acts on it:
/// samples and instants are fed by hand, so every span below is exact.
@Suite("GroupStallDetector")
struct GroupStallDetectorTests {
    typealias Detector = GroupStallDetector<ManualClock.Instant>
    typealias Offsets = Detector.Offsets

    static func at(_ seconds: Int) -> ManualClock.Instant { ManualClock.Instant(offset: .seconds(seconds)) }

    /// A sample of a worker holding nothing, with partition → (committed, end).
    static func idle(_ partitions: [Int32: (Int64?, Int64)]) -> Detector.Sample {
        Detector.Sample(holdsPartitions: false, partitions: partitions.mapValues { Offsets(committed: $0.0, end: $0.1) })
    }

    static let holding = Detector.Sample(holdsPartitions: true, partitions: [:])

    @Test("holding nothing while jobs wait and no offset moves becomes a stall after the timeout, not before")
    func stallsAfterTheTimeout() {
        var detector = Detector(timeout: .seconds(18))
        let waiting = Self.idle([0: (10, 40), 1: (nil, 5), 2: (7, 7)])
        #expect(detector.observe(waiting, at: Self.at(0)) == .suspect(since: Self.at(0), waiting: 35))
        #expect(detector.observe(waiting, at: Self.at(17)) == .suspect(since: Self.at(0), waiting: 35))
        #expect(detector.observe(waiting, at: Self.at(18)) == .stalled(since: Self.at(0), waiting: 35))
    }

    @Test("a member holding partitions, or one with nothing waiting, is healthy and restarts the span")
    func holdingOrNothingWaitingIsHealthy() {
        var detector = Detector(timeout: .seconds(10))
        #expect(detector.observe(Self.holding, at: Self.at(0)) == .healthy)
        #expect(detector.observe(Self.idle([0: (40, 40), 1: (nil, 0)]), at: Self.at(1)) == .healthy,
                "every partition consumed to its end: nothing for this member to do")
        _ = detector.observe(Self.idle([0: (1, 40)]), at: Self.at(2))
        #expect(detector.observe(Self.holding, at: Self.at(5)) == .healthy)
        #expect(detector.observe(Self.idle([0: (1, 40)]), at: Self.at(14)) == .suspect(since: Self.at(14), waiting: 39),
                "the span started again after the assignment")
    }

    @Test("any owner's progress restarts the span, so a surplus member of a working fleet never stalls")
    func progressRestartsTheSpan() {
        var detector = Detector(timeout: .seconds(10))
        _ = detector.observe(Self.idle([0: (1, 40), 1: (nil, 9)]), at: Self.at(0))
        #expect(detector.observe(Self.idle([0: (2, 41), 1: (nil, 9)]), at: Self.at(9)) == .suspect(since: Self.at(9), waiting: 48))
        #expect(detector.observe(Self.idle([0: (2, 41), 1: (0, 9)]), at: Self.at(18)) == .suspect(since: Self.at(18), waiting: 48),
                "a first commit on a partition is progress too")
        #expect(detector.observe(Self.idle([0: (2, 45), 1: (0, 9)]), at: Self.at(27)) == .suspect(since: Self.at(18), waiting: 52),
                "new jobs arriving are not progress")
        #expect(detector.observe(Self.idle([0: (2, 45), 1: (0, 9)]), at: Self.at(28)) == .stalled(since: Self.at(18), waiting: 52))
    }

    @Test("each rejoin that brings no assignment doubles the next wait, up to 16 timeouts; an assignment resets it")
    func rejoinsBackOff() {
        var detector = Detector(timeout: .seconds(10))
        let waiting = Self.idle([0: (0, 5)])
        var now = 0
        var waits: [Int] = []
        _ = detector.observe(waiting, at: Self.at(now))
        for _ in 0..<6 {
            let start = now
            while case .suspect = detector.observe(waiting, at: Self.at(now + 1)) { now += 1 }
            now += 1
            waits.append(now - start)
            detector.rejoined(at: Self.at(now))
        }
        #expect(waits == [10, 20, 40, 80, 160, 160])
        _ = detector.observe(Self.holding, at: Self.at(now + 1))
        #expect(detector.currentTimeout == .seconds(10))
    }

    @Test("a committed offset below the log start counts from the log start")
    func backlogStartsAtTheLogStart() {
        #expect(Offsets(committed: nil, end: 50, low: 20).backlog == 30)
        #expect(Offsets(committed: 10, end: 50, low: 20).backlog == 30)
        #expect(Offsets(committed: 45, end: 50, low: 20).backlog == 5)
        #expect(Offsets(committed: 60, end: 50, low: 0).backlog == 0)
    }
}

@Suite("GroupStallWatch")
struct GroupStallWatchTests {
    /// A group a test sets, and the rejoins the watch asked for.
    final class Group: Sendable {
        let sample = Mutex<GroupStallDetector<ManualClock.Instant>.Sample?>(nil)
        let rejoins = Mutex(0)
    }

    func watch(_ group: Group, clock: ManualClock, metrics: WorkerMetrics) -> GroupStallWatch<ManualClock> {
        GroupStallWatch(
            timeout: .seconds(18), interval: .seconds(3), clock: clock, metrics: metrics, logger: Logger(label: "test"),
            sample: {
                guard let sample = group.sample.withLock({ $0 }) else { throw CancellationError() }
                return sample
            },
            rejoin: { group.rejoins.withLock { $0 += 1 } })
    }

    @Test("rejoins on a stall, reports it on /readyz and in the metrics until the group assigns partitions again")
    func rejoinsAndReports() async {
        let clock = ManualClock()
        let metrics = WorkerMetrics()
        let group = Group()
        let watch = watch(group, clock: clock, metrics: metrics)
        group.sample.withLock { $0 = .init(holdsPartitions: false, partitions: [3: .init(committed: 4, end: 10)]) }
        await watch.check()
        clock.advance(by: .seconds(17))
        await watch.check()
        #expect(watch.stall == nil)
        #expect(group.rejoins.withLock { $0 } == 0)
        clock.advance(by: .seconds(1))
        await watch.check()
        #expect(group.rejoins.withLock { $0 } == 1)
        #expect(watch.stall?.rejoins == 1)
        #expect(watch.readinessProblem(at: clock.now.advanced(by: .seconds(2))) ==
            "no partitions from the consumer group for 20 s while 6 jobs wait and no committed offset moves; rejoined the group 1 time(s)")
        #expect(metrics.render().contains("avatar_worker_group_stalled 1"))
        #expect(metrics.render().contains("avatar_worker_group_rejoins_total 1"))

        clock.advance(by: .seconds(20))
        await watch.check()
        #expect(watch.stall != nil, "still reported after the rejoin, while nothing changed")
        #expect(group.rejoins.withLock { $0 } == 1, "the second rejoin waits twice the timeout")

        group.sample.withLock { $0 = nil }
        await watch.check()
        #expect(watch.stall != nil, "a failed look changes nothing")

        group.sample.withLock { $0 = .init(holdsPartitions: true, partitions: [:]) }
        await watch.check()
        #expect(watch.stall == nil)
        #expect(watch.readinessProblem(at: clock.now) == nil)
        #expect(metrics.render().contains("avatar_worker_group_stalled 0"))
    }
}

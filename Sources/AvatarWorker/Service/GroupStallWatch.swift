import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Notices that the consumer group has stopped feeding this worker and rejoins it (see ``GroupStallDetector`` for
/// the rule): every `interval` it looks at its own assignment and, when it holds nothing, at the group's committed
/// offsets and the end offsets of every jobs partition. Once the detector calls it a stall, the worker says so on
/// `/readyz` and in `avatar_worker_group_stalled`, counts a rejoin in `avatar_worker_group_rejoins_total`, and
/// leaves and rejoins the group as a new member (``KafkaConsumer/rejoin()``).
///
/// Why a member needs this at all: a group coordinator that never finishes a round (Tansu 0.6 keeps a leader that
/// left during a round, so every later round waits for that leader's assignment forever; see docs/RELIABILITY.md)
/// leaves every member polling happily with nothing assigned, and nothing in librdkafka reports it. Against such a
/// broker the rejoin is the one thing a member can try; the gauge and `/readyz` make sure an operator hears of it
/// when the rejoin does not help. A failed look (broker unreachable) is logged and changes nothing.
final class GroupStallWatch<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// Reads what one look needs: whether this worker holds jobs partitions and, only when it holds none, the offsets.
    typealias Sampler = @Sendable () async throws -> GroupStallDetector<C.Instant>.Sample
    /// A stall as `/readyz` reports it.
    struct Stall: Sendable, Equatable {
        var since: C.Instant
        var waitingJobs: Int64
        var rejoins: Int
    }

    private let sample: Sampler
    private let rejoin: @Sendable () throws -> Void
    private let interval: Duration
    private let clock: C
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let state: Mutex<(detector: GroupStallDetector<C.Instant>, stall: Stall?)>

    init(
        timeout: Duration, interval: Duration, clock: C, metrics: WorkerMetrics, logger: Logger,
        sample: @escaping Sampler, rejoin: @escaping @Sendable () throws -> Void
    ) {
        self.sample = sample
        self.rejoin = rejoin
        self.interval = interval
        self.clock = clock
        self.metrics = metrics
        self.logger = logger
        self.state = Mutex((GroupStallDetector(timeout: timeout), nil))
    }

    /// The current stall, nil while the group feeds this worker (or it has no reason to expect partitions).
    var stall: Stall? { state.withLock { $0.stall } }

    /// `/readyz`'s explanation of the current stall at `now`, nil without one.
    func readinessProblem(at now: C.Instant) -> String? {
        guard let stall else { return nil }
        let seconds = Int(stall.since.duration(to: now).components.seconds)
        return "no partitions from the consumer group for \(seconds) s while \(stall.waitingJobs) jobs wait and no "
            + "committed offset moves; rejoined the group \(stall.rejoins) time(s)"
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let clock = clock, interval = interval
            guard (try? await cancelWhenGracefulShutdown({ try await clock.sleep(for: interval) })) != nil else { return }
            await check()
        }
    }

    /// One look: folds a sample into the detector and rejoins on a stall.
    func check() async {
        let sample: GroupStallDetector<C.Instant>.Sample
        do {
            sample = try await self.sample()
        } catch {
            logger.debug("group stall watch: could not read the group's offsets", metadata: ["error": "\(error)"])
            return
        }
        let now = clock.now
        // A stall stays reported after the rejoin until the group feeds the worker again (or nothing waits).
        let (verdict, stall) = state.withLock { state in
            let verdict = state.detector.observe(sample, at: now)
            switch verdict {
            case .healthy:
                state.stall = nil
            case .suspect(_, let waiting):
                state.stall?.waitingJobs = waiting
            case .stalled(let since, let waiting):
                state.detector.rejoined(at: now)
                state.stall = Stall(
                    since: state.stall?.since ?? since, waitingJobs: waiting,
                    rejoins: state.detector.rejoinsWithoutAssignment)
            }
            return (verdict, state.stall)
        }
        metrics.groupStall(stall != nil)
        guard case .stalled = verdict, let stall else { return }
        metrics.groupRejoined()
        logger.warning("the consumer group has assigned this worker nothing while jobs wait and no committed offset moves: rejoining the group", metadata: [
            "stalled_seconds": "\(stall.since.duration(to: now).components.seconds)", "waiting_jobs": "\(stall.waitingJobs)",
            "rejoins": "\(stall.rejoins)",
        ])
        do {
            try rejoin()
        } catch {
            logger.error("could not rejoin the consumer group", metadata: ["error": "\(error)"])
        }
    }
}

extension GroupStallWatch where C == ContinuousClock {
    /// A watch over the worker's own consumer: its assignment of `jobsTopic`, the group's committed offsets and the
    /// partitions' watermarks (all `partitionCount()` partitions, so one nobody owns counts too).
    convenience init(
        consumer: KafkaConsumer, jobsTopic: String, partitionCount: @escaping @Sendable () -> Int, timeout: Duration,
        interval: Duration, metrics: WorkerMetrics, logger: Logger
    ) {
        self.init(
            timeout: timeout, interval: interval, clock: ContinuousClock(), metrics: metrics, logger: logger,
            sample: {
                let holds = consumer.assignment.contains { $0.topicPartition.topic == jobsTopic }
                guard !holds else { return .init(holdsPartitions: true, partitions: [:]) }
                let partitions = (0..<Int32(partitionCount())).map { KafkaTopicPartition(topic: jobsTopic, partition: $0) }
                let committed = try await consumer.committedOffsets(for: partitions, timeout: .seconds(5))
                var offsets: [Int32: GroupStallDetector<ContinuousClock.Instant>.Offsets] = [:]
                for partition in partitions {
                    let marks = try await consumer.queryWatermarks(
                        topic: jobsTopic, partition: partition.partition, timeout: .seconds(5))
                    let offset = committed[partition].flatMap { $0 >= 0 ? $0 : nil }
                    offsets[partition.partition] = .init(committed: offset, end: marks.high, low: marks.low)
                }
                return .init(holdsPartitions: false, partitions: offsets)
            },
            rejoin: { try consumer.rejoin() })
    }
}

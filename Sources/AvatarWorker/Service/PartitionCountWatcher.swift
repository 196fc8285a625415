import Kafka
import Logging
import ServiceLifecycle
import Synchronization

/// Learns that the jobs topic grew (`avatar-worker topics expand`) while the worker runs, and tells the pipeline.
///
/// Every `interval`, and at once when the consumer assigns a jobs partition beyond the count it knows (the group
/// leader saw the growth first), it reads the partition counts of the jobs and tasks topics. The usable count is the
/// smaller of the two: a jobs partition whose ledger partition does not exist yet cannot be restored or written, so
/// it gets no share until both topics have it. A count above the known one goes to the core as
/// ``PipelineCore/Event/partitionCountChanged(_:)``, which recomputes the shares of the fleet cap. A failed check is
/// logged and tried again on the next interval; the known count never goes down.
final class PartitionCountWatcher: Service, Sendable {
    /// Reads the jobs and tasks topics' partition counts (the admin client's metadata, or a test's stand-in).
    typealias CountReader = @Sendable () async throws -> (jobs: Int, tasks: Int)

    private let read: CountReader
    private let jobsTopic: String
    private let interval: Duration
    private let report: @Sendable (Int) -> Void
    private let logger: Logger
    private let known: Mutex<Int>
    private let wake = WakeSignal()

    /// A watcher that starts from `known` partitions and calls `report` with every larger count it learns.
    init(
        known: Int, jobsTopic: String, interval: Duration, logger: Logger, read: @escaping CountReader,
        report: @escaping @Sendable (Int) -> Void
    ) {
        self.known = Mutex(known)
        self.jobsTopic = jobsTopic
        self.interval = interval
        self.logger = logger
        self.read = read
        self.report = report
    }

    /// A watcher over the worker's own admin client.
    convenience init(
        known: Int, configuration: WorkerConfiguration, admin: KafkaAdmin, logger: Logger,
        report: @escaping @Sendable (Int) -> Void
    ) {
        let jobs = configuration.jobsTopic, tasks = configuration.tasksTopic
        self.init(known: known, jobsTopic: jobs, interval: configuration.partitionCheckInterval, logger: logger, read: {
            let counts = try await admin.partitionCounts(of: [jobs, tasks])
            return (counts[jobs] ?? 0, counts[tasks] ?? 0)
        }, report: report)
    }

    /// The count the pipeline was last told.
    var knownCount: Int { known.withLock { $0 } }

    /// Called with every rebalance before the driver sees it: an assigned jobs partition at or beyond the known count
    /// means the topic grew, so the check runs now instead of at the next interval.
    func rebalanceNoticed(_ event: KafkaRebalanceEvent) {
        guard case .assigned(let partitions) = event else { return }
        let known = knownCount
        let beyond = partitions.map(\.topicPartition).filter { $0.topic == jobsTopic && Int($0.partition) >= known }
        guard !beyond.isEmpty else { return }
        logger.notice("assigned a jobs partition beyond the known count: checking the partition counts now", metadata: [
            "partitions": "\(beyond.map(\.partition))", "known": "\(known)",
        ])
        wake.signal()
    }

    func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            await withTaskCancellationHandler {
                await withGracefulShutdownHandler {
                    await wake.wait(timeout: interval)
                } onGracefulShutdown: {
                    self.wake.signal()
                }
            } onCancel: {
                self.wake.signal()
            }
            if Task.isShuttingDownGracefully || Task.isCancelled { return }
            await check()
        }
    }

    /// Reads the counts once and reports a growth.
    func check() async {
        let counts: (jobs: Int, tasks: Int)
        do {
            counts = try await read()
        } catch {
            logger.warning("could not read the partition counts; trying again later", metadata: ["error": "\(error)"])
            return
        }
        if counts.jobs != counts.tasks {
            logger.warning("jobs and tasks topics have different partition counts; the extra partitions get no share", metadata: [
                "jobs": "\(counts.jobs)", "tasks": "\(counts.tasks)",
            ])
        }
        let usable = min(counts.jobs, counts.tasks)
        let grew = known.withLock { known -> Bool in
            guard usable > known else { return false }
            known = usable
            return true
        }
        if grew { report(usable) }
    }
}

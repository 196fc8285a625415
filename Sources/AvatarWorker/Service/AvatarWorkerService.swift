import AvatarJobs
import CometAPI
import Foundation
import Kafka
import Logging
import ServiceLifecycle
import Synchronization
import UnixSignals

/// The whole worker, runnable in-process: `avatar-worker run` and the tests start it the same way.
///
/// `run(onReady:)` checks the topics, builds the Kafka clients and the CometAPI client, subscribes, and runs one
/// `ServiceGroup` of the admin server, the Kafka health watch, the pipeline (the ``PipelineCore`` and its driver) and
/// the intake, which owns SIGTERM/SIGINT. Graceful shutdown goes in reverse order: the intake stops taking jobs and
/// the core hands every partition over within the drain deadline (creates in flight answered and recorded, records
/// of jobs no create left for withdrawn, offsets committed, finished jobs given their tombstones); the pipeline's run
/// loop ends once nothing is in flight; then the consumer leaves the group and the producers flush. `shutdown()`
/// starts the same sequence without a signal.
public final class AvatarWorkerService: Sendable {
    /// What the worker reports once it listens and is subscribed (the contract's `ready` line).
    public struct Ready: Sendable, Codable, Equatable {
        /// Always `ready`.
        public var event = "ready"
        /// The admin server's port.
        public var httpPort: Int
        /// The worker's id.
        public var workerID: String
        /// The process id.
        public var pid: Int32

        enum CodingKeys: String, CodingKey {
            case event, pid
            case httpPort = "http_port", workerID = "worker_id"
        }
    }

    /// The worker's version, as result events and ledger records report it.
    public static let version = "0.1.0"

    /// The configuration the worker runs with.
    public let configuration: WorkerConfiguration
    /// This worker's metrics (rendered by `/metrics`).
    public let metrics = WorkerMetrics()
    private let failpoints: Failpoints
    private let logger: Logger
    private let signals: [UnixSignal]
    private let group = Mutex<ServiceGroup?>(nil)
    private let stopRequested = Mutex(false)
    private let runningPipeline = Mutex<PipelineDriver<WallClock>?>(nil)

    /// A worker; `handleSignals: false` leaves SIGTERM/SIGINT alone (for workers embedded in tests).
    public init(
        configuration: WorkerConfiguration, failpoints: Failpoints = Failpoints(), handleSignals: Bool = true,
        logger: Logger
    ) {
        self.configuration = configuration
        self.failpoints = failpoints
        self.logger = logger
        self.signals = handleSignals ? [.sigterm, .sigint] : []
        metrics.buildInfo(version: Self.version, librdkafka: LibrdkafkaVersion.runtime.description)
    }

    /// Runs until graceful shutdown (a signal or `shutdown()`) or a fatal error.
    ///
    /// - Throws: `WorkerStartupError`, `ConfigurationError` (no API key), `KafkaError` or an unsupported librdkafka
    ///   before start; a fatal Kafka error while running.
    public func run(onReady: @escaping @Sendable (Ready) -> Void = { _ in }) async throws {
        let clients = try await WorkerClients.make(configuration: configuration, logger: logger)
        let capacity: InFlightCapacity
        do {
            capacity = try InFlightCapacity(fleetCap: configuration.fleetInFlightCap, partitionCount: clients.jobsPartitions)
        } catch {
            throw WorkerStartupError.capacity(error.description)
        }
        let core = PipelineCore(
            options: PipelineCore.Options(configuration: configuration), capacity: capacity, now: WallClock().now)
        let driver = PipelineDriver(
            configuration: configuration, core: core, clock: WallClock(), clients: clients, failpoints: failpoints,
            metrics: metrics, logger: logger)
        runningPipeline.withLock { $0 = driver }
        metrics.record(driver.status(), fleetCap: configuration.fleetInFlightCap)
        let partitionWatcher = PartitionCountWatcher(
            known: clients.jobsPartitions, configuration: configuration, admin: clients.admin, logger: logger
        ) { count in
            driver.send(.partitionCountChanged(count))
        }
        try clients.consumer.subscribe(topics: [configuration.jobsTopic]) { event in
            partitionWatcher.rebalanceNoticed(event)
            driver.rebalanced(event)
        }
        let stallTimeout = configuration.effectiveGroupStallTimeout
        let stallWatch = GroupStallWatch(
            consumer: clients.consumer, jobsTopic: configuration.jobsTopic,
            partitionCount: { partitionWatcher.knownCount }, timeout: stallTimeout,
            interval: max(.seconds(1), stallTimeout / 6), metrics: metrics, logger: logger)
        let workerID = configuration.workerID
        let admin = AdminServer.make(
            host: configuration.httpHost, port: configuration.httpPort, pipeline: driver, metrics: metrics,
            fleetCap: configuration.fleetInFlightCap, readinessProblem: { stallWatch.readinessProblem(at: .now) },
            logger: logger
        ) { port in
            onReady(Ready(httpPort: port, workerID: workerID, pid: getpid()))
        }
        let services: [any Service] = [
            admin,
            KafkaHealthService(streams: clients.eventStreams, logger: logger),
            ConsumerLagSampler(
                consumer: clients.consumer, topic: configuration.jobsTopic, metrics: metrics,
                interval: configuration.consumerLagInterval, clock: ContinuousClock(), logger: logger),
            partitionWatcher,
            stallWatch,
            PipelineService(driver: driver),
            IntakeService(driver: driver, intake: JobIntake(configuration: configuration), consumer: clients.consumer, logger: logger),
        ]
        var groupConfiguration = ServiceGroupConfiguration(services: services, logger: logger)
        groupConfiguration.gracefulShutdownSignals = signals
        groupConfiguration.maximumGracefulShutdownDuration = configuration.drainDeadline + .seconds(10)
        let serviceGroup = ServiceGroup(configuration: groupConfiguration)
        let stopEarly = group.withLock { group in
            group = serviceGroup
            return stopRequested.withLock { $0 }
        }
        if stopEarly { await serviceGroup.triggerGracefulShutdown() }
        do {
            try await serviceGroup.run()
        } catch {
            await clients.close(logger: logger)
            throw error
        }
        await clients.close(logger: logger)
    }

    /// Whether `/readyz` would answer 200: the worker holds an assignment and every restore finished.
    public var isReady: Bool {
        runningPipeline.withLock { $0 }?.isReady ?? false
    }

    /// What `/status` would answer, or nil before `run` built the pipeline.
    public var status: WorkerStatus? {
        runningPipeline.withLock { $0 }?.status()
    }

    /// Starts graceful shutdown, as SIGTERM would (also before `run` got going).
    public func shutdown() async {
        let current = group.withLock { group in
            stopRequested.withLock { $0 = true }
            return group
        }
        await current?.triggerGracefulShutdown()
    }
}

import AvatarJobs
import CometAPI
import Foundation
import Kafka
import Logging
import Synchronization

/// Runs the ``PipelineCore`` against Kafka and CometAPI: the production twin of the simulation's world.
///
/// Every event (a consumed message, a rebalance, an I/O answer, a timer tick, shutdown) goes through ``send(_:)``,
/// which feeds it to the core under one lock and performs the commands in the order the core emitted them: the
/// consumer's local calls (`storeOffset`, `pause`, `resume`) and log lines at once, still under the lock, so a commit
/// asked for later can never miss an offset stored before it; every I/O command is handed, in order, to the run
/// loop, which performs it in a child task of its task group and feeds the answer back. Time comes from one injected
/// clock: a single timer loop sleeps until the core's next due time (there is no sleeping task per job). Shutdown
/// cancels nothing the core still waits for: the core hands its partitions over and says `drained`, then the run
/// loop ends once every child task has finished.
final class PipelineDriver<C: Clock>: Sendable where C.Instant == WallClock.Instant, C: Sendable {
    /// The state the lock guards.
    struct State {
        var core: PipelineCore
        /// The next due time the timer loop sleeps until.
        var timerAt: WallClock.Instant?
        /// Rebalance callbacks waiting for their revocations to be handed over.
        var revocations: [RevocationWait] = []
        var drained = false
        var drainWaiters: [CheckedContinuation<Void, Never>] = []
        /// Whether the run loop stopped (a revocation then waits for nothing).
        var stopped = false
    }

    /// A rebalance callback blocked on the poll thread until its partitions are handed over.
    final class RevocationWait: Sendable {
        let remaining: Mutex<Set<Int32>>
        let done = DispatchSemaphore(value: 0)

        init(_ partitions: [Int32]) {
            remaining = Mutex(Set(partitions))
        }

        /// Marks partitions finished; signals once none remain. Returns whether this call completed it.
        func finish(_ partitions: [Int32]) -> Bool {
            let complete = remaining.withLock { remaining in
                guard !remaining.isEmpty else { return false }
                remaining.subtract(partitions)
                return remaining.isEmpty
            }
            if complete { done.signal() }
            return complete
        }
    }

    let configuration: WorkerConfiguration
    let clock: C
    let consumer: KafkaConsumer
    let ledgerProducer: KafkaProducer
    let resultProducer: KafkaProducer
    let client: CometAPIClient
    let readerConfiguration: KafkaConfiguration
    let messages: WorkerMessages
    let failpoints: Failpoints
    let metrics: WorkerMetrics
    let logger: Logger
    let state: Mutex<State>
    let work: AsyncStream<PipelineCore.Command>
    let workContinuation: AsyncStream<PipelineCore.Command>.Continuation
    let timerWake = WakeSignal()
    /// The API client's event loops as task executors: I/O runs there (see ``run()``).
    let executors: [EventLoopTaskExecutor]
    let nextExecutor = Atomic<Int>(0)

    init(
        configuration: WorkerConfiguration, core: PipelineCore, clock: C, clients: WorkerClients,
        failpoints: Failpoints, metrics: WorkerMetrics, logger: Logger
    ) {
        self.configuration = configuration
        self.clock = clock
        self.consumer = clients.consumer
        self.ledgerProducer = clients.ledgerProducer
        self.resultProducer = clients.resultProducer
        self.client = clients.api
        self.readerConfiguration = clients.readerConfiguration
        self.messages = WorkerMessages(configuration: configuration)
        self.failpoints = failpoints
        self.metrics = metrics
        self.logger = logger
        self.state = Mutex(State(core: core))
        self.executors = EventLoopTaskExecutor.all(of: clients.api.eventLoopGroup)
        (work, workContinuation) = AsyncStream.makeStream(of: PipelineCore.Command.self)
    }

    // MARK: Events in

    /// Feeds `event` to the core and performs what follows.
    func send(_ event: PipelineCore.Event) {
        let wakeTimer = state.withLock { state -> Bool in
            let commands = state.core.handle(event, at: clock.now)
            for command in commands { performNow(command, state: &state) }
            guard let next = state.core.nextWakeup else { return false }
            return state.timerAt.map { next < $0 } ?? true
        }
        if wakeTimer { timerWake.signal() }
    }

    /// The consumer's rebalance handler (on the poll thread, before the change takes effect). A revocation waits
    /// until the core has handed the partitions over, bounded by the drain deadline.
    func rebalanced(_ event: KafkaRebalanceEvent) {
        switch event {
        case .assigned(let partitions):
            let assigned = partitions.filter { $0.topicPartition.topic == configuration.jobsTopic }
                .map { PipelineCore.AssignedPartition(partition: $0.topicPartition.partition, kafkaEpoch: $0.epoch) }
            guard !assigned.isEmpty else { return }
            send(.assigned(assigned))
        case .revoked(let partitions, let lost):
            let revoked = partitions.filter { $0.topicPartition.topic == configuration.jobsTopic }
                .map(\.topicPartition.partition)
            guard !revoked.isEmpty else { return }
            let wait = RevocationWait(revoked)
            let stopped = state.withLock { state in
                state.revocations.append(wait)
                return state.stopped
            }
            send(.revoking(revoked, lost: lost || stopped))
            if wait.done.wait(timeout: .now() + configuration.drainDeadline.inSeconds + 5) == .timedOut {
                logger.warning("revocation did not finish its hand-over in time; the group goes on", metadata: [
                    "partitions": "\(revoked)",
                ])
            }
            state.withLock { state in state.revocations.removeAll { $0 === wait } }
        }
    }

    /// Waits until shutdown's hand-over is done.
    func waitUntilDrained() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = state.withLock { state -> Bool in
                if state.drained { return true }
                state.drainWaiters.append(continuation)
                return false
            }
            if now { continuation.resume() }
        }
    }

    // MARK: Commands out

    /// Performs a command that needs no waiting, under the core's lock; hands I/O to the run loop in order.
    private func performNow(_ command: PipelineCore.Command, state: inout State) {
        switch command {
        case .pause(let partition):
            flow(paused: true, partition: partition)
        case .resume(let partition):
            flow(paused: false, partition: partition)
        case .storeOffset(let partition, let offset, let kafkaEpoch):
            do {
                try consumer.storeOffset(
                    KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition), offset: offset, epoch: kafkaEpoch)
            } catch {
                logger.warning("could not store offset", metadata: ["partition": "\(partition)", "error": "\(error)"])
            }
        case .finishRevocation(let partitions):
            for wait in state.revocations { _ = wait.finish(partitions) }
        case .drained:
            state.drained = true
            let waiters = state.drainWaiters
            state.drainWaiters = []
            for waiter in waiters { waiter.resume() }
            workContinuation.finish()
        case .log(let entry):
            logger.log(level: entry.level.logLevel, "\(entry.message)", metadata: entry.metadata.mapValues { .string($0) })
        case .observe(let observation):
            metrics.record(observation, fleetCap: configuration.fleetInFlightCap)
        case .readLedger, .scanLedger, .commitCheckpoint, .writeLedger, .create, .reconcile, .query, .publish, .commit, .transaction:
            workContinuation.yield(command)
        }
    }

    private func flow(paused: Bool, partition: Int32) {
        let target = [KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition)]
        do {
            if paused { try consumer.pause(target) } else { try consumer.resume(target) }
        } catch {
            logger.warning("could not change partition flow", metadata: [
                "partition": "\(partition)", "pause": "\(paused)", "error": "\(error)",
            ])
        }
    }

    // MARK: The run loop

    /// Performs I/O commands in child tasks and runs the timer loop, until shutdown's hand-over is done and every
    /// child task has answered.
    ///
    /// Each command's task runs on one of the API client's event loops, in turn: an HTTP call is then written and
    /// answered on that loop's thread, and feeding the answer to the core (``send(_:)``) happens there too, with no
    /// hop through Swift's cooperative pool. At a few hundred polls a second those hops, each a thread wake-up, were
    /// most of the worker's CPU (`perf` during `bench capacity`: 46 % of the samples in the kernel's task switching,
    /// 76 % on the pool's threads).
    func run() async {
        await withDiscardingTaskGroup { group in
            group.addTask { await self.runTimers() }
            for await command in work {
                let executor = executors.isEmpty
                    ? nil : executors[(nextExecutor.wrappingAdd(1, ordering: .relaxed).oldValue & Int.max) % executors.count]
                group.addTask(executorPreference: executor) { await self.perform(command) }
            }
            state.withLock { $0.stopped = true }
            timerWake.signal()
        }
    }

    /// Sends `.tick` whenever the core's next timer is due.
    private func runTimers() async {
        while true {
            let (next, stopped) = state.withLock { state -> (WallClock.Instant?, Bool) in
                state.timerAt = state.core.nextWakeup
                return (state.timerAt, state.stopped)
            }
            if stopped { return }
            if let next {
                let wait = clock.now.duration(to: next)
                if wait > .zero { await timerWake.wait(timeout: min(wait, .seconds(60))) }
            } else {
                await timerWake.wait(timeout: .seconds(60))
            }
            if state.withLock({ $0.stopped }) { return }
            if let due = state.withLock({ $0.core.nextWakeup }), due <= clock.now { send(.tick) }
        }
    }
}

extension PipelineCore.LogEntry.Level {
    var logLevel: Logger.Level {
        switch self {
        case .debug: .debug
        case .info: .info
        case .notice: .notice
        case .warning: .warning
        case .error: .error
        }
    }
}

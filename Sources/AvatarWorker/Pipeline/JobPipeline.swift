import AvatarJobs
import CometAPI
import Foundation
import Kafka
import Logging
import Synchronization

/// The worker's job flow between Kafka and CometAPI, DESIGN.md's "Flow of one job": intake, ledger writes, create,
/// polling hand-off, results, tombstones and offsets.
///
/// All state sits in one `PipelineState` under a lock; every step takes the lock briefly, feeds an event to the
/// job's `TaskLifecycle`, turns its actions into state changes (offsets, capacity, queued writes) and
/// `PipelineEffect`s, and performs the effects after unlocking. Consumer calls that only touch librdkafka's local
/// state (`storeOffset`, `pause`, `resume`) happen under the lock, so a commit can never see an offset as stored
/// before it is. Every completion carries the job's assignment epoch and is dropped when the partition changed hands.
final class JobPipeline: Sendable {
    let configuration: WorkerConfiguration
    let messages: WorkerMessages
    let consumer: KafkaConsumer
    let ledgerProducer: KafkaProducer
    let client: CometAPIClient
    let scheduler: PollScheduler<ContinuousClock>
    let gate: SharedSubmissionGate<ContinuousClock>
    let limiter: SharedConcurrencyLimiter
    let retryPolicy: RetryPolicy
    let failpoints: Failpoints
    let metrics: WorkerMetrics
    let logger: Logger
    let validator: JobValidator
    let worker: AvatarResultEvent.WorkerInfo
    let publisherWakeup = WakeSignal()
    let options: JobLifecycle.Options
    let readerConfiguration: KafkaConfiguration
    let state: Mutex<PipelineState>

    init(
        configuration: WorkerConfiguration, capacity: InFlightCapacity, consumer: KafkaConsumer,
        ledgerProducer: KafkaProducer, client: CometAPIClient, scheduler: PollScheduler<ContinuousClock>,
        readerConfiguration: KafkaConfiguration, failpoints: Failpoints, metrics: WorkerMetrics, logger: Logger
    ) {
        self.readerConfiguration = readerConfiguration
        self.configuration = configuration
        self.messages = WorkerMessages(configuration: configuration)
        self.consumer = consumer
        self.ledgerProducer = ledgerProducer
        self.client = client
        self.scheduler = scheduler
        self.gate = SharedSubmissionGate(probeInterval: configuration.accountProbeInterval, clock: ContinuousClock())
        self.limiter = SharedConcurrencyLimiter(configuration: .init(
            initial: configuration.maxConcurrentCreates, ceiling: configuration.maxConcurrentCreates))
        self.retryPolicy = .exponentialJitter(maximumAttempts: Int.max, baseDelay: .seconds(1), maximumDelay: .seconds(30))
        self.failpoints = failpoints
        self.metrics = metrics
        self.logger = logger
        var limits = ValidationLimits()
        limits.maximumMessageBytes = configuration.maxMessageBytes
        limits.defaultDeadlineSeconds = max(1, Int(configuration.totalDeadline.components.seconds))
        self.validator = JobValidator(limits: limits)
        self.worker = AvatarResultEvent.WorkerInfo(id: configuration.workerID, version: AvatarWorkerService.version)
        self.options = JobLifecycle.Options(
            ambiguousSubmission: configuration.ambiguousSubmission,
            publishesResultWithTombstone: configuration.exactlyOnce)
        self.state = Mutex(PipelineState(capacity: capacity))
    }

    /// Feeds `event` to job `jobID` if it still belongs to assignment `epoch`, then performs what follows.
    func handle(_ event: JobLifecycle.Event, jobID: String, epoch: AssignmentEpoch) {
        let effects = state.withLock { state -> [PipelineEffect] in
            guard var job = state.job(jobID, epoch: epoch) else { return [] }
            let actions = job.lifecycle.handle(event)
            return apply(actions, to: &job, state: &state).effects
        }
        perform(effects)
    }

    /// Turns lifecycle actions into state changes and effects; stores the job back (or forgets it when finished).
    /// Returns the poll outcome when the actions include one (for the poll loop to hand back).
    func apply(
        _ actions: [JobLifecycle.Action], to job: inout TrackedJob, state: inout PipelineState
    ) -> (effects: [PipelineEffect], pollOutcome: PollOutcome?) {
        var effects: [PipelineEffect] = []
        var pollOutcome: PollOutcome?
        let partition = job.partition
        for action in actions {
            switch action {
            case .occupySlot:
                adjustFlow(state.capacity.taskStarted(in: partition), state: &state)
            case .releaseSlot:
                adjustFlow(state.capacity.taskEnded(in: partition), state: &state)
            case .signalConcurrencyLimit:
                adjustFlow(state.capacity.concurrencyLimitHit(in: partition), state: &state)
            case .signalCreateAccepted:
                adjustFlow(state.capacity.createAccepted(in: partition), state: &state)
            case .writeLedger(let ledgerState):
                if ledgerState == .submitted, let taskID = job.lifecycle.taskID {
                    job.record = job.record.submitted(taskID: taskID, at: Date())
                }
                effects.append(.writeLedger(jobID: job.jobID, epoch: job.epoch, record: job.record))
            case .callCreate(let externalTaskID, let attempt):
                if let validated = job.job {
                    effects.append(.create(jobID: job.jobID, epoch: job.epoch, job: validated, externalTaskID: externalTaskID))
                } else {
                    job.createAwaitingJob = attempt
                }
            case .scheduleRetry(let failures, let retryAfter):
                effects.append(.retry(jobID: job.jobID, epoch: job.epoch, delay: retryDelay(failures: failures, retryAfter: retryAfter)))
            case .signalAccountProblem(let failure):
                logger.error("account problem: submissions paused until a probe succeeds", metadata: [
                    "job_id": "\(job.jobID)", "error": "\(failure)",
                ])
                effects.append(.holdForAccount(jobID: job.jobID, epoch: job.epoch))
            case .reconcile(let externalTaskID):
                effects.append(.reconcile(jobID: job.jobID, epoch: job.epoch, externalTaskID: externalTaskID))
            case .markOffsetsDurable(let offsets):
                for offset in offsets {
                    state.offsets.markDurable(offset: offset, partition: partition, epoch: job.epoch)
                }
                storeAdvancedOffset(of: partition, state: &state)
            case .startPolling(let taskID):
                state.taskJobs[taskID] = job.jobID
                effects += progressPublication(.submitted, job: &job, state: &state)
                effects.append(.track(
                    taskID: taskID, partition: partition, epoch: job.epoch,
                    mode: PollMode(rawValue: job.record.mode.rawValue) ?? .std,
                    submittedAt: job.record.submittedAt ?? Date(), deadline: job.record.deadline))
            case .reschedulePoll(let outcome):
                pollOutcome = outcome
            case .stopPolling(let taskID):
                effects.append(.untrack(taskID: taskID))
            case .publishResult(let outcome, let withTombstone):
                state.publications.append(resultPublication(outcome, job: job, withTombstone: withTombstone))
                effects.append(.wakePublisher)
            case .writeTombstone:
                state.tombstones.append(PendingTombstone(
                    jobID: job.jobID, partition: partition, epoch: job.epoch, jobOffset: job.record.jobOffset))
                effects.append(.wakePublisher)
            }
        }
        if job.lifecycle.isFinished {
            for timer in job.timers { timer.cancel() }
            state.jobs[job.jobID] = nil
            if let taskID = job.lifecycle.taskID { state.taskJobs[taskID] = nil }
        } else {
            state.jobs[job.jobID] = job
        }
        if state.waiting[partition]?.isEmpty == false {
            effects += startWaitingJobs(in: partition, state: &state)
        }
        metrics.tasksInFlight.record(state.inFlightByPartition.values.reduce(0, +))
        return (effects, pollOutcome)
    }

    /// Stores the partition's committable offset when it advanced (at-least-once mode; in exactly-once mode offsets
    /// are committed only by transactions, so nothing is stored for auto-commit to pick up).
    func storeAdvancedOffset(of partition: Int32, state: inout PipelineState) {
        guard !configuration.exactlyOnce, let kafkaEpoch = state.kafkaEpochs[partition],
              let offset = state.offsets.offsetToStore(for: partition)
        else { return }
        do {
            try consumer.storeOffset(
                KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition), offset: offset, epoch: kafkaEpoch)
            state.stored[partition] = offset
        } catch {
            logger.warning("could not store offset", metadata: ["partition": "\(partition)", "error": "\(error)"])
        }
    }

    /// Pauses or resumes partitions as the capacity says; a partition still restoring stays paused.
    func adjustFlow(_ actions: [InFlightCapacity.Action], state: inout PipelineState) {
        for action in actions {
            switch action {
            case .pause(let partition):
                setPaused(true, partition: partition)
            case .resume(let partition) where !state.restoring.contains(partition):
                setPaused(false, partition: partition)
            case .resume:
                continue
            }
        }
    }

    func setPaused(_ paused: Bool, partition: Int32) {
        let target = [KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition)]
        do {
            if paused { try consumer.pause(target) } else { try consumer.resume(target) }
        } catch {
            logger.warning("could not change partition flow", metadata: [
                "partition": "\(partition)", "pause": "\(paused)", "error": "\(error)",
            ])
        }
    }

    /// The backoff before the `failures`-th retry: the retry policy's full-jitter window, never below `Retry-After`.
    /// The job's submission deadline bounds it (its timer ends the job first when the wait would pass it).
    func retryDelay(failures: Int, retryAfter: Duration?) -> Duration {
        var random = SystemRandomNumberGenerator()
        return retryPolicy.delay(afterAttempt: failures, retryAfter: retryAfter, using: &random)
    }

    /// Performs effects, each in its own task.
    func perform(_ effects: [PipelineEffect]) {
        for effect in effects {
            switch effect {
            case .wakePublisher:
                publisherWakeup.signal()
            case .writeLedger(let jobID, let epoch, let record):
                Task { await self.writeLedger(record, jobID: jobID, epoch: epoch) }
            case .create(let jobID, let epoch, let job, let externalTaskID):
                Task { await self.create(job, externalTaskID: externalTaskID, jobID: jobID, epoch: epoch) }
            case .reconcile(let jobID, let epoch, let externalTaskID):
                Task { await self.reconcile(externalTaskID: externalTaskID, jobID: jobID, epoch: epoch) }
            case .retry(let jobID, let epoch, let delay):
                Task {
                    try? await Task.sleep(for: delay)
                    self.handle(.retryDue, jobID: jobID, epoch: epoch)
                }
            case .holdForAccount(let jobID, let epoch):
                Task { await self.holdForAccount(jobID: jobID, epoch: epoch) }
            case .track(let taskID, let partition, let epoch, let mode, let submittedAt, let deadline):
                Task {
                    let now = ContinuousClock.now
                    await self.scheduler.track(
                        taskID: taskID, partition: partition, epoch: epoch, mode: mode,
                        submittedAt: now.advanced(by: .seconds(submittedAt.timeIntervalSinceNow)),
                        deadline: now.advanced(by: .seconds(deadline.timeIntervalSinceNow)))
                }
            case .untrack(let taskID):
                Task { await self.scheduler.untrack(taskID: taskID) }
            }
        }
    }
}

import AvatarJobs
import CometAPI
import DequeModule

/// The worker's pipeline rules as one value type: events in, commands out (DESIGN.md, "The deterministic core").
///
/// `handle(_:at:)` takes one ``Event`` (a message consumed, a write acknowledged, an API answer, a rebalance, a
/// timer due, shutdown) with the instant it happened, fires whatever timers are due by then, and returns the
/// ``Command``s that follow, in order: ledger writes, create and query calls, publications, offset stores and
/// commits, pauses, log lines. It does no I/O, reads no clock, starts no task and logs nothing, so the production
/// driver (Kafka and HTTP) and the simulation (a seeded world with crashes, rebalances and faults) run the very same
/// rules. Its parts are the per-job ``TaskLifecycle``, the per-partition ``OffsetLedger``s, the fleet cap's
/// ``InFlightCapacity``, the account ``SubmissionGate``, the retry and poll policies and one ``TimerHeap``.
///
/// The promises it keeps (the simulation checks each after every run):
/// - a job's offset is stored only once its fate is durable (its `submitted` record or terminal event acked);
/// - a job is never created twice: a `submitting` record is acked before the create, and a restored one is judged
///   only after its prior owner's creates in flight must have been recorded;
/// - a tombstone is never written before the commit that covers its job (a withdrawn record, of a job no create
///   reached the API for, is the one exception, since its redelivery creates nothing twice);
/// - a partition never holds more tasks in flight than its share of the fleet cap;
/// - a revocation hands the partition over cleanly: creates in flight are answered and recorded, records of jobs no
///   create left for are withdrawn, finished jobs get their tombstone or a `published` record, before the group may
///   move on.
///
/// Iteration over hashed collections never decides what happens next (sorted or ordered structures do), so one
/// seed replays one run exactly.
public struct PipelineCore: Sendable {
    /// What the core was set up with.
    public let options: Options

    var capacity: InFlightCapacity
    var offsets = PartitionOffsets()
    /// The jobs partitions this process owns.
    var owned: [Int32: OwnedPartition] = [:]
    /// Valid jobs from `submitting` (or restore) to their end, by job id.
    var jobs = JobTable()
    /// The job of each task id known.
    var taskJobs: [String: String] = [:]
    /// Valid jobs received while their partition held its full share, in offset order.
    var waiting: [Int32: Deque<WaitingJob>] = [:]
    var timers = TimerHeap<CoreTimer>()
    /// Every I/O asked for and not answered yet, by command id.
    var pending: [UInt64: PendingIO] = [:]
    var lastID: UInt64 = 0
    /// Jobs whose create waits for a create slot or the account gate, first come first served.
    var createQueue = Deque<JobRef>()
    var createsInFlight = 0
    var gate: SubmissionGate<WallClock.Instant>
    var gateTimerAt: WallClock.Instant?
    /// Jobs held by a closed account gate.
    var heldForAccount = Deque<JobRef>()
    /// Polls that are due and wait for a poll slot or the request budget.
    var readyPolls = Deque<JobRef>()
    var pollsInFlight = 0
    var budget: RequestBudget<WallClock.Instant>
    var budgetTimerArmed = false
    /// At-least-once mode: tombstones of finished jobs, waiting for the commit that covers them.
    var tombstones: [Int32: [PendingTombstone]] = [:]
    /// Exactly-once mode: publications waiting for a transaction.
    var transactionQueue: [QueuedPublication] = []
    /// Publications without a job (rejections, dead letters, progress events) that failed, waiting to be sent again.
    var retryingPublications: [UInt64: QueuedPublication] = [:]
    /// Rejections published above the last commit, and those other owners published (see ``PublishedRejections``).
    var rejections = PublishedRejections()
    var commitTimerArmed = false
    var commitInFlight: UInt64?
    /// The `submitting` records of jobs this process dropped with a lost partition before any create of theirs could
    /// reach the API: a restore that finds one unchanged knows no task exists.
    var unsentSubmissions: [String: UnsentSubmission] = [:]
    /// Partitions whose revocation waits for their hand-over.
    var revocationsRequested: Set<Int32> = []
    var draining = false
    var drainAnnounced = false
    /// Planted legacy revocation only (``PlantedBug/revocationSendsQueuedCreates``): creates of dropped jobs that
    /// are still sent, as the pipeline this core replaced did.
    var ghostCreates: [GhostCreate] = []
    var random: PipelineRandom
    /// Diagnostics for the simulation: how often each kind of timer fired.
    package var countsTimers = false
    package var firedTimers: [String: Int] = [:]

    /// A core owning nothing yet. `capacity` holds the fleet cap and the jobs partition count; `now` starts the
    /// request budget.
    public init(options: Options, capacity: InFlightCapacity, now: WallClock.Instant) {
        self.options = options
        self.capacity = capacity
        self.gate = SubmissionGate(probeInterval: options.accountProbeInterval)
        self.budget = RequestBudget(
            requestsPerSecond: options.pollLimits.requestsPerSecond, burst: options.pollLimits.burst, now: now)
        self.random = PipelineRandom(seed: options.seed)
    }

    /// When the next timer is due, or nil when none is armed: the driver delivers ``Event/tick`` then (at the
    /// latest; any other event fires due timers too).
    public var nextWakeup: WallClock.Instant? { timers.nextDue }

    /// Feeds one event that happened at `now` and returns what to do, in order.
    public mutating func handle(_ event: Event, at now: WallClock.Instant) -> [Command] {
        var step = Step(now: now)
        fireDueTimers(&step)
        switch event {
        case .consumed(let message): consumed(message, &step)
        case .assigned(let partitions): assigned(partitions, &step)
        case .revoking(let partitions, let lost): revoking(partitions, lost: lost, &step)
        case .ledgerRead(let id, let result): ledgerRead(id, result, &step)
        case .ledgerScanned(let id, let result): ledgerScanned(id, result, &step)
        case .checkpointCommitted(let id, let succeeded): checkpointCommitted(id, succeeded: succeeded, &step)
        case .ledgerWritten(let id, let succeeded): ledgerWritten(id, succeeded: succeeded, &step)
        case .createAnswered(let id, let answer): createAnswered(id, answer, &step)
        case .reconciled(let id, let answer): reconciled(id, answer, &step)
        case .polled(let id, let answer): polled(id, answer, &step)
        case .published(let id, let succeeded): published(id, succeeded: succeeded, &step)
        case .committed(let id, let succeeded): committed(id, succeeded: succeeded, &step)
        case .transactionEnded(let id, let succeeded): transactionEnded(id, succeeded: succeeded, &step)
        case .callbackHint(let taskID): callbackHint(taskID, &step)
        case .partitionCountChanged(let count): partitionCountChanged(to: count, &step)
        case .tick: break
        case .shutdown: shutdown(&step)
        }
        settle(&step)
        // What the event armed for now (a hint, a retry without backoff) fires in the same step.
        while let due = timers.nextDue, due <= now {
            fireDueTimers(&step)
            settle(&step)
        }
        return step.commands
    }

    /// Everything that may have become possible after a change: waiting jobs, creates, polls, hand-overs,
    /// commits and the end of a drain.
    mutating func settle(_ step: inout Step) {
        startWaitingJobs(&step)
        dispatchCreates(&step)
        dispatchPolls(&step)
        progressHandovers(&step)
        scheduleCommit(&step)
        if draining, !drainAnnounced, owned.values.allSatisfy({ $0.phase == .handedOver }) {
            drainAnnounced = true
            step.log(.notice, "drained: every owned partition is handed over")
            step.commands.append(.drained)
        }
    }

    /// Fires every timer due at `step.now`, in due order.
    mutating func fireDueTimers(_ step: inout Step) {
        while let timer = timers.popDue(at: step.now) {
            fire(timer, &step)
        }
    }

    mutating func nextID() -> UInt64 {
        lastID += 1
        return lastID
    }

    /// The live job `ref` names, if it still belongs to that assignment.
    func job(_ ref: JobRef) -> PipelineJob? {
        guard let job = jobs[ref.jobID], job.epoch == ref.epoch else { return nil }
        return job
    }

    /// Whether partition `partition` is owned under `epoch` and taking work (not restoring, not being handed over).
    func isActive(_ partition: Int32, epoch: AssignmentEpoch) -> Bool {
        guard let owned = owned[partition], owned.epoch == epoch else { return false }
        return owned.phase == .active
    }
}

/// The output of one `handle` call, built up as the rules run.
struct Step {
    let now: WallClock.Instant
    var commands: [PipelineCore.Command] = []

    mutating func log(_ level: PipelineCore.LogEntry.Level, _ message: String, _ metadata: [String: String] = [:]) {
        commands.append(.log(PipelineCore.LogEntry(level: level, message: message, metadata: metadata)))
    }

    mutating func observe(_ observation: PipelineCore.Observation) {
        commands.append(.observe(observation))
    }
}

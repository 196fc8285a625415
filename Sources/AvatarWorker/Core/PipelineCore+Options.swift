import AvatarJobs
import CometAPI

extension PipelineCore {
    /// Everything fixed for the life of a core: the worker's identity, deadlines, policies and bounds.
    public struct Options: Sendable {
        /// The worker as result events and ledger records name it.
        public var worker: AvatarResultEvent.WorkerInfo
        /// The ambiguity policy and whether results travel with their tombstones (exactly-once mode).
        public var lifecycle: JobLifecycle.Options
        /// Results, tombstones and offsets go out in Kafka transactions; offsets are committed only by them.
        public var exactlyOnce: Bool
        /// Default time from receipt to a created task (a job's own deadline may shorten it).
        public var submissionDeadline: Duration
        /// When to poll tasks.
        public var pollPolicy: PollPolicy
        /// The global poll budget and concurrency.
        public var pollLimits: PollLimits
        /// Create calls in flight at once, process-wide.
        public var maxConcurrentCreates: Int
        /// Backoff and attempts of create calls and reconciling queries that failed transiently or were throttled;
        /// the job's submission deadline bounds it too.
        public var createRetry: RetryPolicy
        /// Backoff of ledger writes, publications and restore reads that failed (they are repeated until they
        /// succeed or the job's partition is given up).
        public var writeRetry: RetryPolicy
        /// How long submissions pause after an account error before one probe create is let through.
        public var accountProbeInterval: Duration
        /// How often stored offsets are committed (and tombstones written behind them, or transactions sent).
        public var commitInterval: Duration
        /// The longest a revocation or shutdown may spend handing partitions over.
        public var handoverDeadline: Duration
        /// How long a `submitting` record restored from another owner waits before it is judged: any create that
        /// owner still had in flight has answered, and its answer been recorded, by then (the API request timeout
        /// plus a margin for the ledger write).
        public var priorOwnerGrace: Duration
        /// How often each owned ledger partition is scanned from where the last read ended, to move its restore
        /// checkpoint (the group's committed offset of the ledger partition) up to its oldest live record.
        public var checkpointInterval: Duration
        /// Publish `submitted` and `processing` progress events.
        public var progressEvents: Bool
        /// How long the partitions a growth of the jobs topic added wait before they use their shares: long enough
        /// for every other worker to have learnt the new count and shrunk its old shares (the partition-count check
        /// interval plus the check's own timeout).
        public var partitionGrowthHold: Duration
        /// The seed of the core's jitter.
        public var seed: UInt64
        /// A deliberate mistake, for the simulation's proof that it catches each (see ``PlantedBug``). Never set in
        /// production; `package` so only this package's simulation can reach it.
        package var plantedBug: PlantedBug?

        /// Options with the worker's defaults.
        public init(
            worker: AvatarResultEvent.WorkerInfo,
            lifecycle: JobLifecycle.Options = JobLifecycle.Options(),
            exactlyOnce: Bool = false,
            submissionDeadline: Duration = .seconds(15 * 60),
            pollPolicy: PollPolicy = PollPolicy(),
            pollLimits: PollLimits = PollLimits(),
            maxConcurrentCreates: Int = 8,
            createRetry: RetryPolicy = .exponentialJitter(maximumAttempts: 30, baseDelay: .seconds(1), maximumDelay: .seconds(30)),
            writeRetry: RetryPolicy = .exponentialJitter(maximumAttempts: .max, baseDelay: .milliseconds(200), maximumDelay: .seconds(5)),
            accountProbeInterval: Duration = .seconds(60),
            commitInterval: Duration = .milliseconds(500),
            handoverDeadline: Duration = .seconds(30),
            priorOwnerGrace: Duration = .seconds(70),
            checkpointInterval: Duration = .seconds(60),
            progressEvents: Bool = false,
            partitionGrowthHold: Duration = .seconds(70),
            seed: UInt64 = 0
        ) {
            self.worker = worker
            self.lifecycle = lifecycle
            self.exactlyOnce = exactlyOnce
            self.submissionDeadline = submissionDeadline
            self.pollPolicy = pollPolicy
            self.pollLimits = pollLimits
            self.maxConcurrentCreates = max(1, maxConcurrentCreates)
            self.createRetry = createRetry
            self.writeRetry = writeRetry
            self.accountProbeInterval = accountProbeInterval
            self.commitInterval = commitInterval
            self.handoverDeadline = handoverDeadline
            self.priorOwnerGrace = priorOwnerGrace
            self.checkpointInterval = checkpointInterval
            self.progressEvents = progressEvents
            self.partitionGrowthHold = partitionGrowthHold
            self.seed = seed
        }
    }

    /// Mistakes the simulation must catch (its teeth): each breaks one promise in a way a real bug could.
    ///
    /// The first four are the classic ordering mistakes; the next three are the defects the combined fault schedule
    /// found in the pipeline this core replaced, kept so the simulation proves it would have found them; the last
    /// one breaks the restore checkpoint.
    package enum PlantedBug: String, Sendable, CaseIterable {
        /// Write a finished job's tombstone before the commit that covers its offset.
        case tombstoneBeforeCommit = "tombstone-before-commit"
        /// Treat a job's offset as durable once its `submitting` record is acked, not its `submitted` one.
        case offsetDurableAtSubmitting = "offset-durable-at-submitting"
        /// Skip `submitting` records when restoring a ledger partition.
        case restoreSkipsSubmitting = "restore-skips-submitting"
        /// Restored tasks do not count against their partition's share of the fleet cap.
        case restoredTasksTakeNoSlot = "restored-tasks-take-no-slot"
        /// A revocation forgets its jobs at once: creates waiting for a slot are still sent, and a task created
        /// after the revocation is never recorded.
        case revocationSendsQueuedCreates = "revocation-sends-queued-creates"
        /// A revocation leaves the `submitting` records of jobs no create has left for, instead of withdrawing them.
        case revocationKeepsUnsentRecords = "revocation-keeps-unsent-records"
        /// A revocation drops finished jobs whose tombstone waits for a commit, leaving their records live.
        case revocationDropsFinishedJobs = "revocation-drops-finished-jobs"
        /// The restore checkpoint counts `submitting` records as dead, so it may pass a job whose create is unknown.
        case checkpointPastSubmitting = "checkpoint-past-submitting"
    }
}

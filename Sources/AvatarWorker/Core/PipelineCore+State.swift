import AvatarJobs

/// One tracked job of the core's, named by its id and the assignment it belongs to; a ref of an older assignment
/// no longer names anything.
struct JobRef: Sendable, Hashable {
    let jobID: String
    let epoch: AssignmentEpoch
}

/// A jobs partition this process owns.
struct OwnedPartition: Sendable {
    enum Phase: Sendable, Hashable {
        /// Its ledger is being read; the partition is held paused and takes no work.
        case restoring
        /// Taking jobs.
        case active
        /// Being handed over (revocation or shutdown): no new work, waiting for what is in flight.
        case handingOver(HandoverStage)
        /// Shutdown handed it over; kept only until the consumer's final revocation.
        case handedOver
    }

    enum HandoverStage: Sendable, Hashable {
        /// Waiting for creates, reconciling queries, ledger writes and publications of the partition to answer.
        case settling
        /// Waiting for the final commit (or transaction).
        case committing(UInt64)
        /// Waiting for the final tombstones, `published` records and withdrawals (each written until it succeeds or
        /// the hand-over deadline passes).
        case finishing
    }

    let epoch: AssignmentEpoch
    let kafkaEpoch: UInt64
    var phase: Phase = .restoring
    /// When the restore began (for its duration).
    var restoreStartedAt: WallClock.Instant
    /// The last offset stored (at-least-once mode).
    var stored: Int64?
    /// The last offset known committed.
    var committed: Int64?
    /// Messages delivered while the ledger was still being read, taken once it is restored.
    var heldMessages: [PipelineCore.ConsumedMessage] = []
    /// Whether a read-again for jobs restored from another owner's `submitting` records is armed or under way.
    var priorOwnerCheckArmed = false
    /// Whether the consumer holds the partition paused (set at assignment, until the restore is done).
    var flowPaused = true
    /// Where the live records of the ledger partition sit, from the restore and the scans since (nil until restored).
    var ledgerOffsets: LedgerLiveOffsets?
    /// The restore checkpoint the group holds for the ledger partition (read at restore, then committed by this
    /// process), 0 when none; -1 when it must be overwritten whatever the fold says (the offsets went back).
    var checkpointCommitted: Int64 = 0
    /// When this process last committed it (nil: not yet in this assignment).
    var checkpointCommittedAt: WallClock.Instant?
    /// Whether a scan or a checkpoint commit of the partition is under way.
    var scanInFlight = false
    var checkpointInFlight = false
    /// Restored jobs whose create waits for their message to come back: while any does, the partition is never
    /// paused for capacity (their slots would keep it paused and the message would never arrive).
    var awaitingMessage: Set<String> = []

    var isHandingOver: Bool {
        if case .handingOver = phase { return true }
        return false
    }
}

/// One valid job from its `submitting` record (or restore) to its end.
struct PipelineJob: Sendable {
    /// What a retry timer of the job will do when it fires. Indirect: a `write` carries a whole ledger record, and
    /// inline that would take 264 bytes of every tracked job, also of the many with nothing deferred.
    indirect enum Deferred: Sendable {
        /// Feed `.retryDue` (a create or reconciling query is due again).
        case retryDue
        /// Write the job's ledger record again (the last write failed).
        case write(LedgerPurpose, AvatarTaskRecord?)
        /// Publish the result again (the last publication failed).
        case publish(JobLifecycle.Outcome, withTombstone: Bool)
    }

    /// How often each task is polled: the next due time's token, the poll in flight, the error streak.
    struct PollState: Sendable {
        var token: UInt64
        var lease: UInt64?
        var consecutiveErrors = 0
        var hinted = false
        let submittedAt: WallClock.Instant
        let mode: PollMode
    }

    var lifecycle: JobLifecycle
    let partition: Int32
    let epoch: AssignmentEpoch
    var record: AvatarTaskRecord
    /// The validated job; nil for a job restored from the ledger until its message is delivered again, and nil once its
    /// task exists (no create can follow: the payload is let go, see `.startPolling`). Boxed: inline it would take
    /// 296 bytes of every tracked job, also while nil (see ``JobTable``).
    var job: ValidatedJob? {
        get { jobBox?.value }
        set { jobBox = newValue.map(ImmutableBox.init) }
    }
    private var jobBox: ImmutableBox<ValidatedJob>?

    init(lifecycle: JobLifecycle, partition: Int32, epoch: AssignmentEpoch, record: AvatarTaskRecord, job: ValidatedJob?) {
        self.lifecycle = lifecycle
        self.partition = partition
        self.epoch = epoch
        self.record = record
        self.job = job
    }
    /// A create the lifecycle asked for while `job` was still nil: sent once the message arrives.
    var createAwaitingJob: Int?
    /// Whether the job sits in the create queue (asked for, not sent).
    var queuedForCreate = false
    /// What the API said when the job failed because of it, for the result's `error.api`.
    var apiFailure: ResultError.APIDetails?
    /// The class of the last failed create, for a give-up's code.
    var lastCreateFailure: String?
    /// Progress events already published.
    var announced: Set<AvatarResultEvent.EventType> = []
    /// When this process received the job's message (nil for a restored job whose message has not come back).
    var receivedAt: WallClock.Instant?
    /// When its terminal outcome was first decided (the start of the `decided_to_acked` stage).
    var decidedAt: WallClock.Instant?
    /// Whether a create was sent for it by this process (so only the first measures `intake_to_create`).
    var createStageTaken = false
    /// The ledger offset of the record the job was restored from.
    var ledgerOffset: Int64?
    /// Whether the job was restored from the ledger (rather than received fresh).
    var restored = false
    /// The token of the job's armed retry timer and what it will do.
    var timerToken: UInt64 = 0
    var deferred: Deferred?
    /// Consecutive failed ledger writes or publications (for their backoff).
    var writeFailures = 0
    var poll: PollState?
    /// Polls made by this process (for the polls-per-task metric).
    var polls = 0

    var ref: JobRef { JobRef(jobID: record.jobID, epoch: epoch) }

    /// Whether a create of this job may have reached the API since its record was written: set when one is sent,
    /// cleared when the answer proves no task was made (a refusal, or a reconciling query that found none).
    /// A job restored from another owner's record starts with it set: nobody knows.
    var createSent = false

    /// Its ledger record says `submitting`, yet no create of it can have reached the API (none was sent, or every
    /// one sent was refused), and it has not ended with a published result. Such a job can be withdrawn (its record
    /// tombstoned) without anyone paying twice: its redelivered message starts it afresh.
    var isUnsentSubmission: Bool {
        guard record.state == .submitting, lifecycle.hasLedgerRecord, !createSent else { return false }
        switch lifecycle.phase {
        case .writingTombstone, .finished, .publishingRejection:
            return false
        case .recordingSubmitting, .creating, .awaitingCreateRetry, .heldForAccount, .reconciling,
             .awaitingReconcileRetry, .awaitingPriorOwner, .recordingSubmitted, .polling, .publishingResult:
            return true
        }
    }
}

/// Why a ledger write was asked for.
enum LedgerPurpose: Sendable, Hashable {
    case submitting
    case submitted
    case tombstone
    /// A `published` record written at hand-over for a finished job whose tombstone still waits for its commit.
    case publishedRecord
    /// A tombstone withdrawing the `submitting` record of a job no create left for.
    case withdrawal
}

/// An I/O the core asked for and waits to hear about.
enum PendingIO: Sendable {
    case restore(Int32, AssignmentEpoch)
    case reread(Int32, AssignmentEpoch)
    case ledger(JobRef, Int32, LedgerPurpose)
    /// A best-effort write after the partition was lost: written again after a failure until `until`, when the
    /// next owner will have judged what it tells (see `priorOwnerGrace`).
    case orphanWrite(PipelineCore.LedgerWrite, until: WallClock.Instant)
    /// A ledger write of the partition that is not a job's (a rejection marker or its tombstone), written again
    /// until it succeeds while the partition is still this assignment's.
    case partitionWrite(PartitionAssignment, PipelineCore.LedgerWrite)
    case create(JobRef, Int32, probe: Bool, sentAt: WallClock.Instant)
    /// A create whose partition was lost (or whose hand-over timed out) while it was in flight: a task it made is
    /// still recorded, so the next owner adopts it instead of failing it as ambiguous.
    case orphanCreate(AvatarTaskRecord, probe: Bool, sentAt: WallClock.Instant, lostAt: WallClock.Instant)
    case reconcile(JobRef, Int32)
    case poll(JobRef, sentAt: WallClock.Instant)
    case publication(QueuedPublication)
    case commit([Int32: Int64])
    case scan(PartitionAssignment)
    case checkpoint(PartitionAssignment, offset: Int64, end: Int64)
    case transaction([QueuedPublication], offsets: [Int32: Int64])

    /// The assignment whose hand-over must wait for this I/O to answer, or nil when none need: creates and
    /// reconciling queries (they may create or find a task), ledger writes and publications (their acks make fates
    /// durable). Polls, reads and commits need no waiting: what they would tell the next owner learns itself.
    var handoverAssignment: PartitionAssignment? {
        switch self {
        case .ledger(let ref, let partition, _), .create(let ref, let partition, _, _), .reconcile(let ref, let partition):
            PartitionAssignment(partition: partition, epoch: ref.epoch)
        case .publication(let publication):
            publication.kind.isProgress ? nil : PartitionAssignment(partition: publication.partition, epoch: publication.epoch)
        case .partitionWrite(let assignment, _):
            assignment
        case .restore, .reread, .scan, .checkpoint, .orphanWrite, .orphanCreate, .poll, .commit, .transaction:
            nil
        }
    }
}

/// One assignment of one partition.
struct PartitionAssignment: Sendable, Hashable {
    let partition: Int32
    let epoch: AssignmentEpoch
}

/// A publication the core keeps until it is acknowledged.
struct QueuedPublication: Sendable {
    enum Kind: Sendable {
        /// A tracked job's terminal result (with its tombstone in exactly-once mode).
        case result(JobRef, type: AvatarResultEvent.EventType)
        /// A rejection or dead letter: its acknowledgement makes this offset durable.
        case direct(offset: Int64, resultType: AvatarResultEvent.EventType?)
        /// A progress event.
        case progress

        var isProgress: Bool {
            if case .progress = self { return true }
            return false
        }
    }

    let kind: Kind
    let partition: Int32
    let epoch: AssignmentEpoch
    let records: [PipelineCore.OutgoingRecord]
    /// Exactly-once mode: send only in a transaction whose committed offset passes this job offset (the tombstone
    /// rides along, so the job must never be delivered again afterwards).
    let coveredOffset: Int64?
}

/// A finished job's tombstone, held back until the job's offset is committed.
///
/// Writing it earlier opens a double-billing hole: after a crash between the tombstone and the next commit the job
/// would be delivered again with no ledger record and be created a second time.
struct PendingTombstone: Sendable {
    let ref: JobRef
    let jobOffset: Int64
}

/// A valid job waiting for a free slot in its partition's share.
struct WaitingJob: Sendable {
    let job: ValidatedJob
    let offset: Int64
    let traceparent: String?
    let receivedAt: WallClock.Instant
}

/// What identifies one `submitting` record this process wrote: a restore matches it field for field, so a record
/// written since by anyone else never matches.
struct UnsentSubmission: Sendable, Hashable {
    let externalTaskID: String
    let attempt: Int
    let jobOffset: Int64
    let workerID: String

    init(_ record: AvatarTaskRecord) {
        externalTaskID = record.externalTaskID
        attempt = record.attempt
        jobOffset = record.jobOffset
        workerID = record.worker.id
    }

    /// At most this many are remembered; beyond it a dropped job is left to the next owner's judgement.
    static let limit = 10_000
}

/// Why the core's one timer heap holds an entry.
enum CoreTimer: Sendable {
    case deadline(JobRef, DeadlineKind)
    /// A job's retry timer (create or query due again, ledger write or result publication again).
    case retry(JobRef, token: UInt64)
    case poll(JobRef, token: UInt64)
    case pollBudget
    case accountGate
    case commit
    case republish(UInt64)
    case restoreRetry(Int32, AssignmentEpoch)
    case priorOwnerCheck(Int32, AssignmentEpoch)
    case checkpointScan(Int32, AssignmentEpoch)
    case handoverDeadline(Int32, AssignmentEpoch)
    /// The hold of the growth to this partition count is over (a later growth's timer releases instead).
    case partitionGrowthHold(count: Int)
}

/// A create of a job already dropped with its partition, still sent: only the planted legacy revocation makes one.
struct GhostCreate: Sendable {
    let call: PipelineCore.CreateCall
    let record: AvatarTaskRecord
}

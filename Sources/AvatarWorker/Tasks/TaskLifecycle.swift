/// The life of one job, from receipt to its result event, as a value type: events in, actions out.
///
/// It encodes DESIGN.md's flow: a valid job gets a `submitting` ledger record (acked) before the create call, a
/// `submitted` record (acked) after it, which makes the job's fate durable (its offset may be stored), then polling
/// until a terminal state, the result event (acked), and a ledger tombstone. An invalid job gets a failure event and
/// its offset stored. Create failures follow their class (permanent → failure; throttled → retry and AIMD signal;
/// account → hold; transient → retry; ambiguous → `AmbiguousSubmissionPolicy`). A job restored from the ledger
/// resumes polling (`submitted`) or is treated as ambiguous (`submitting`); it is never submitted a second time
/// unless the policy is `.resubmit`.
///
/// Deadlines arrive as events. One that passes while the job waits (retry backoff, account hold, polling) ends it
/// at once with `deadline.exceeded`; one that passes while an I/O step is in flight takes effect when that step
/// answers, after the step's durable consequences (a created task is still recorded as `submitted`, so a crash can
/// never turn it into a second submission). Events that do not fit the current phase (late answers after a
/// deadline, duplicates) are ignored and yield no action.
///
/// `Success` is whatever a successful poll carries (the contract's video list); the lifecycle only passes it on.
public struct TaskLifecycle<Success: Sendable & Equatable>: Sendable, Equatable {
    /// Where the job is.
    public enum Phase: Sendable, Hashable {
        /// An invalid job's failure event is being published.
        case publishingRejection
        /// The `submitting` ledger record is being written.
        case recordingSubmitting
        /// Create call number `attempt` is in flight.
        case creating(attempt: Int)
        /// Waiting for the backoff after `failures` failed create calls.
        case awaitingCreateRetry(failures: Int)
        /// Held until the account gate opens; `failures` create calls failed so far.
        case heldForAccount(failures: Int)
        /// Query number `attempt` by `external_task_id` is in flight.
        case reconciling(attempt: Int)
        /// Waiting for the backoff after `failures` failed queries.
        case awaitingReconcileRetry(failures: Int)
        /// Restored from a `submitting` record another owner wrote: waiting until any create that owner may still
        /// have had in flight has answered and been recorded, then the ledger is read again (``Event/priorOwnerSettled(_:)``).
        case awaitingPriorOwner
        /// The `submitted` ledger record is being written.
        case recordingSubmitted
        /// The task is tracked by the poll scheduler.
        case polling
        /// The result event is being published.
        case publishingResult
        /// The ledger tombstone is being written.
        case writingTombstone
        /// Nothing left to do; the owner may forget the lifecycle.
        case finished
    }

    /// The job's id.
    public let jobID: String
    /// The deterministic id sent with every create of this job (the same on any resubmission).
    public let externalTaskID: String
    /// The worker's options.
    public let options: Options
    /// Where the job is.
    public internal(set) var phase: Phase
    /// The API's task id, once known.
    public internal(set) var taskID: String?

    var pendingOffsets: [Int64] = []
    var offsetsDurable = false
    var hasLedgerRecord = false
    var holdsSlot = false
    var overdue: DeadlineKind?
    var outcome: Outcome?
    /// Why the create's outcome became unknown (a lost answer, a `submitting` record found on restore), kept while
    /// reconciling so that a `submission.ambiguous` failure says both what made it unknown and what the query found.
    var ambiguityCause: String?

    init(jobID: String, externalTaskID: String, options: Options, phase: Phase) {
        self.jobID = jobID
        self.externalTaskID = externalTaskID
        self.options = options
        self.phase = phase
    }

    /// Whether the lifecycle is done and may be forgotten.
    public var isFinished: Bool { phase == .finished }

    /// The terminal outcome once decided (being published or published).
    public var decidedOutcome: Outcome? { outcome }

    /// A job just received at `offset` (nil for none) after decoding and validation.
    public static func received(
        jobID: String,
        externalTaskID: String,
        offset: Int64?,
        validity: Validity,
        options: Options = Options()
    ) -> (TaskLifecycle, [Action]) {
        switch validity {
        case .valid:
            var lifecycle = TaskLifecycle(
                jobID: jobID, externalTaskID: externalTaskID, options: options, phase: .recordingSubmitting
            )
            lifecycle.pendingOffsets = offset.map { [$0] } ?? []
            lifecycle.holdsSlot = true
            return (lifecycle, [.occupySlot, .writeLedger(.submitting)])
        case .invalid(let failure):
            var lifecycle = TaskLifecycle(
                jobID: jobID, externalTaskID: externalTaskID, options: options, phase: .publishingRejection
            )
            lifecycle.pendingOffsets = offset.map { [$0] } ?? []
            lifecycle.outcome = .failed(failure, taskID: nil)
            return (lifecycle, [.publishResult(.failed(failure, taskID: nil), withTombstone: false)])
        }
    }

    /// A live job found in the task ledger on assignment of its partition.
    public static func restored(
        jobID: String,
        externalTaskID: String,
        from record: Restored,
        options: Options = Options()
    ) -> (TaskLifecycle, [Action]) {
        var lifecycle = TaskLifecycle(jobID: jobID, externalTaskID: externalTaskID, options: options, phase: .polling)
        lifecycle.hasLedgerRecord = true
        lifecycle.holdsSlot = true
        switch record {
        case .submitted(let taskID):
            lifecycle.taskID = taskID
            lifecycle.offsetsDurable = true
            return (lifecycle, [.occupySlot, .startPolling(taskID: taskID)])
        case .submitting:
            let actions = lifecycle.resolveAmbiguity(reason: "a submitting ledger record without submitted")
            return (lifecycle, [.occupySlot] + actions)
        case .submittingByPriorOwner:
            lifecycle.phase = .awaitingPriorOwner
            return (lifecycle, [.occupySlot, .awaitPriorOwner])
        case .published:
            lifecycle.holdsSlot = false
            lifecycle.offsetsDurable = true
            lifecycle.phase = .writingTombstone
            return (lifecycle, [.writeTombstone])
        }
    }

    /// Feeds one event and returns what to do, in order.
    public mutating func handle(_ event: Event) -> [Action] {
        switch event {
        case .submittingRecorded: submittingRecorded()
        case .created(let taskID): created(taskID: taskID)
        case .createFailed(let failure): createFailed(failure)
        case .retryDue: retryDue()
        case .accountGateOpened: accountGateOpened()
        case .reconciled(let answer): reconciled(answer)
        case .submittedRecorded: submittedRecorded()
        case .polled(let report): polled(report)
        case .deadlinePassed(let kind): deadlinePassed(kind)
        case .resultPublished: resultPublished()
        case .tombstoneRecorded: tombstoneRecorded()
        case .writeFailed: writeFailed()
        case .redelivered(let offset): redelivered(offset: offset)
        case .priorOwnerSettled(let verdict): priorOwnerSettled(verdict)
        case .gaveUp(let failure): gaveUp(failure)
        }
    }
}

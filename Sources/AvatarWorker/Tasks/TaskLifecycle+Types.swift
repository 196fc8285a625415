extension TaskLifecycle {
    /// Options fixed for the life of the worker.
    public struct Options: Sendable, Hashable {
        /// What to do when a create's outcome is unknown.
        public var ambiguousSubmission: AmbiguousSubmissionPolicy
        /// Exactly-once mode: the result event and the ledger tombstone go out in one Kafka transaction, so
        /// `publishResult` carries `withTombstone: true` and no separate `writeTombstone` follows.
        public var publishesResultWithTombstone: Bool

        /// Options; the defaults are the safe ones (`.fail` on ambiguity, at-least-once results).
        public init(
            ambiguousSubmission: AmbiguousSubmissionPolicy = .fail,
            publishesResultWithTombstone: Bool = false
        ) {
            self.ambiguousSubmission = ambiguousSubmission
            self.publishesResultWithTombstone = publishesResultWithTombstone
        }
    }

    /// Whether a received job passed decoding and validation.
    public enum Validity: Sendable, Hashable {
        /// The job may be submitted.
        case valid
        /// The job is rejected with this failure (no ledger record, no API call).
        case invalid(TaskFailure)
    }

    /// Where the task ledger left a job when the partition was restored.
    public enum Restored: Sendable, Hashable {
        /// A `submitting` record without `submitted`: the create's outcome is unknown.
        case submitting
        /// A `submitted` record with the task id: resume polling.
        case submitted(taskID: String)
        /// A `submitting` record another owner wrote, which may still be resolved by a create answer that owner has
        /// in flight: wait (``Action/awaitPriorOwner``), then judge it by what the ledger says
        /// (``Event/priorOwnerSettled(_:)``).
        case submittingByPriorOwner
        /// A `published` record: the result event is durable and only the tombstone is missing; it waits for the
        /// commit that covers the job's offset.
        case published
    }

    /// What the ledger said about a job restored from another owner's `submitting` record, read again once that
    /// owner's creates in flight must have answered.
    public enum PriorOwnerVerdict: Sendable, Hashable {
        /// Still only `submitting`: the create's outcome is unknown.
        case unchanged
        /// The prior owner recorded the task after all: resume polling it.
        case submitted(taskID: String)
        /// The prior owner withdrew the record (no create of it reached the API): the job is new again.
        case withdrawn
        /// The prior owner published the job's result: only the tombstone is missing.
        case published
    }

    /// How a create call failed, classified by the API client (business code first, then HTTP, then transport).
    public enum CreateFailure: Sendable, Hashable {
        /// Will never succeed as sent (bad input, policy, auth): fail the job with this failure.
        case permanent(TaskFailure)
        /// Rate or concurrency refusal (1302, 1303, plain 429): retry after a backoff; `concurrencyLimit` marks
        /// 1303, which also shrinks the partition's in-flight limit.
        case throttled(retryAfter: Duration?, concurrencyLimit: Bool)
        /// Account problem (1100–1102): hold the job until the account gate opens again; alert.
        case account(TaskFailure)
        /// A transient fault known not to have created a task (5xx answer, refused connection): retry after a backoff.
        case transient(retryAfter: Duration?)
        /// The request may have reached the API but no answer came (timeout or reset after sending).
        case ambiguous(reason: String)
    }

    /// The answer to a query by `external_task_id`.
    public enum Reconciliation: Sendable, Hashable {
        /// The task exists: adopt it.
        case found(taskID: String)
        /// The API says no task has this `external_task_id`.
        case notFound
        /// The API cannot answer such queries.
        case unsupported
        /// The query failed transiently: ask again after a backoff.
        case failedTransiently(retryAfter: Duration?)
    }

    /// What one poll of the task said.
    public enum PollReport: Sendable, Equatable {
        /// Still submitted or processing.
        case running
        /// Succeeded with its result (a success without a video URL must be reported as `.failed`).
        case succeeded(Success)
        /// The task failed, or the poll failed permanently.
        case failed(TaskFailure)
        /// The poll failed transiently.
        case transientError(retryAfter: Duration?)
    }

    /// The terminal outcome of a job, for the result event. Indirect: a lifecycle holds one only at its end, and
    /// inline its payloads would take about 100 bytes of every tracked job.
    public indirect enum Outcome: Sendable, Equatable {
        /// The task succeeded.
        case succeeded(taskID: String, Success)
        /// The job failed; `taskID` is set when a task had been created.
        case failed(TaskFailure, taskID: String?)
    }

    /// Something that happened to the job, fed in by the owner.
    public enum Event: Sendable, Equatable {
        /// The `submitting` ledger record was acked.
        case submittingRecorded
        /// The create call returned a task id.
        case created(taskID: String)
        /// The create call failed.
        case createFailed(CreateFailure)
        /// The backoff timer of a `scheduleRetry` fired.
        case retryDue
        /// The account gate opened again after an account problem.
        case accountGateOpened
        /// The answer to a `reconcile`.
        case reconciled(Reconciliation)
        /// The `submitted` ledger record was acked.
        case submittedRecorded
        /// A poll of the task answered.
        case polled(PollReport)
        /// One of the job's deadlines passed (a timer, or the scheduler's `.deadlineExceeded`).
        case deadlinePassed(DeadlineKind)
        /// The result event (and, in exactly-once mode, the tombstone) was acked.
        case resultPublished
        /// The ledger tombstone was acked.
        case tombstoneRecorded
        /// The current ledger write or result publish failed for good (the producer gave up): write it again.
        case writeFailed
        /// The same job was delivered again at `offset` (a duplicate or a redelivery after a rewind).
        case redelivered(offset: Int64)
        /// The wait of ``Action/awaitPriorOwner`` ended and the ledger was read again.
        case priorOwnerSettled(PriorOwnerVerdict)
        /// The retry rules will not try again (attempts exhausted, or no attempt could start before the deadline):
        /// end the job with this failure.
        case gaveUp(TaskFailure)
    }

    /// Something the owner must do; performed in the order given.
    public enum Action: Sendable, Equatable {
        /// Count the job against its partition's in-flight share (`InFlightCapacity.taskStarted`).
        case occupySlot
        /// Give the job's slot back (`InFlightCapacity.taskEnded`).
        case releaseSlot
        /// Write the job's ledger record in this state to ledger partition p (the task id is `taskID`) and report
        /// the ack with `.submittingRecorded` / `.submittedRecorded`.
        case writeLedger(TaskLedgerState)
        /// Call create with this `external_task_id`; `attempt` counts from 1.
        case callCreate(externalTaskID: String, attempt: Int)
        /// Arm a timer for the `failures`-th retry (backoff with full jitter, at least `retryAfter`), then
        /// send `.retryDue`. A deadline passing first makes the retry moot.
        case scheduleRetry(failures: Int, retryAfter: Duration?)
        /// The API refused for account concurrency: shrink the partition's limit (AIMD decrease).
        case signalConcurrencyLimit
        /// The API accepted a create: regrow the partition's limit (AIMD increase).
        case signalCreateAccepted
        /// An account problem: close the submission gate, alert, and later send `.accountGateOpened`.
        case signalAccountProblem(TaskFailure)
        /// Query the task by this `external_task_id` and answer with `.reconciled`.
        case reconcile(externalTaskID: String)
        /// Mark these job offsets durable in the partition's offset ledger.
        case markOffsetsDurable([Int64])
        /// Track the task in the poll scheduler.
        case startPolling(taskID: String)
        /// Hand the polled task back to the scheduler with this outcome.
        case reschedulePoll(PollOutcome)
        /// Stop tracking the task in the poll scheduler (a deadline ended it between polls).
        case stopPolling(taskID: String)
        /// Publish the result event; with `withTombstone` also the tombstone, in the same transaction.
        case publishResult(Outcome, withTombstone: Bool)
        /// Write the job's ledger tombstone and report the ack with `.tombstoneRecorded`.
        case writeTombstone
        /// Wait until the prior owner's creates in flight must have answered, read the ledger again, and report
        /// with `.priorOwnerSettled`.
        case awaitPriorOwner
    }
}

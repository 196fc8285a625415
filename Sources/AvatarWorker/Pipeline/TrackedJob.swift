import AvatarJobs
import Foundation

/// What a successful poll hands to the result event: the videos and what the task cost.
struct PollSuccess: Sendable, Equatable {
    var videos: [AvatarResultEvent.Video]
    var usage: AvatarResultEvent.Usage?
    var completedAt: Date?
}

/// The task lifecycle the worker runs, carrying `PollSuccess` to the result.
typealias JobLifecycle = TaskLifecycle<PollSuccess>

/// One valid job the pipeline is responsible for, from its `submitting` record until its ledger tombstone.
///
/// `lifecycle` decides; the other fields are what the decisions need to become I/O: the ledger record to write, the
/// validated job to send, the partition and assignment epoch every completion is checked against.
struct TrackedJob: Sendable {
    /// The job's state machine.
    var lifecycle: JobLifecycle
    /// The jobs (and tasks) partition.
    let partition: Int32
    /// The assignment the job belongs to; completions carrying another epoch are ignored.
    let epoch: AssignmentEpoch
    /// The job's ledger record as last written (or restored).
    var record: AvatarTaskRecord
    /// The validated job, needed for a create call; nil for a job restored from the ledger until it is delivered
    /// again (its offset was never committed while it was only `submitting`).
    var job: ValidatedJob?
    /// A create the lifecycle asked for while `job` was still nil: performed once the job arrives.
    var createAwaitingJob: Int?
    /// What the API said when the job failed because of it, for the result's `error.api`.
    var apiFailure: ResultError.APIDetails?
    /// Progress events already published (`--progress-events`), so each goes out once per process.
    var announced: Set<AvatarResultEvent.EventType> = []
    /// Deadline timers to cancel when the job ends.
    var timers: [Task<Void, Never>] = []

    var jobID: String { record.jobID }

    /// Its ledger record says `submitting`, yet no create of it can have reached the API
    /// (``TaskLifecycle/Phase/isKnownUnsent``): a job that can be withdrawn, or started afresh, without paying twice.
    var isUnsentSubmission: Bool { lifecycle.phase.isKnownUnsent && record.state == .submitting }
}

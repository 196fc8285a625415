/// A job that passed every check: normalised (defaults applied, `data:` prefixes removed) and annotated with what
/// the probes found. This is all the worker needs to submit it.
public struct ValidatedJob: Sendable, Hashable {
    /// The job's fields as given (with `data:` prefixes removed from inline media).
    public let job: AvatarJob
    /// The image probe's findings; `nil` for a URL image that was only checked for syntax.
    public let imageInfo: ImageInfo?
    /// The audio probe's findings; `nil` for `audio_id` or a URL that was only checked for syntax.
    public let audioInfo: AudioInfo?
    /// Seconds until the worker gives up: the job's value or the configured default.
    public let deadlineSeconds: Int
    /// What the validator changed or noticed.
    public let notes: [ValidationNote]

    /// Creates a validated job; only the validator and tests should need this.
    public init(job: AvatarJob, imageInfo: ImageInfo?, audioInfo: AudioInfo?, deadlineSeconds: Int, notes: [ValidationNote]) {
        self.job = job
        self.imageInfo = imageInfo
        self.audioInfo = audioInfo
        self.deadlineSeconds = deadlineSeconds
        self.notes = notes
    }

    /// The `external_task_id` for submission `attempt` (1-based).
    ///
    /// The job's own override is used as given for attempt 1. Later attempts (deliberate resubmissions) need a new
    /// id, because Kling requires it to be unique per account: they are derived from the override (or the job id)
    /// with ``StableIdentifiers/externalTaskID(jobID:attempt:)``.
    public func externalTaskID(attempt: UInt32) -> String {
        if let override = job.externalTaskID {
            return attempt <= 1 ? override : StableIdentifiers.externalTaskID(jobID: override, attempt: attempt)
        }
        return StableIdentifiers.externalTaskID(jobID: job.jobID, attempt: attempt)
    }
}

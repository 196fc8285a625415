/// A refused job: every error found (not only the first), and its `job_id` when one could be read, so the worker
/// can still key a failure event to the job.
public struct JobValidationFailure: Error, Sendable, Hashable {
    /// The job's `job_id` if the message had a valid one.
    public let jobID: String?
    /// All problems, in field order; never empty.
    public let errors: [JobValidationError]

    /// Creates a failure; `errors` must not be empty.
    public init(jobID: String?, errors: [JobValidationError]) {
        precondition(!errors.isEmpty, "a validation failure needs at least one error")
        self.jobID = jobID
        self.errors = errors
    }

    /// The codes of all errors, for tests and metrics.
    public var codes: [JobValidationError.Code] { errors.map(\.code) }
}

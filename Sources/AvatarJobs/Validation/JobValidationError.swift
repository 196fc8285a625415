/// One reason a job was refused, in a form a person can act on and a program can branch on.
///
/// Callers may rely on `code` being stable across releases (it is the contract; see `docs/validation-errors.md`),
/// `field` being a JSON path into the job (`$` for the whole message, `$.image`, `$.metadata.key`), and `limit` /
/// `valueSeen` being filled whenever the rule has a bound.
public struct JobValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The stable machine-readable reason, e.g. `image.too_small`.
    public let code: Code
    /// JSON path of the offending field.
    public let field: String
    /// A sentence for a person: what was expected and what was found.
    public let message: String
    /// The bound that was violated, when the rule has one (e.g. "300 px", "2…60 s").
    public let limit: String?
    /// What the job had instead (e.g. "280x500 px", "1.2 s"); never a secret or a whole payload.
    public let valueSeen: String?

    /// Creates an error; keep `valueSeen` short — it goes into events and logs.
    public init(code: Code, field: String, message: String, limit: String? = nil, valueSeen: String? = nil) {
        self.code = code
        self.field = field
        self.message = message
        self.limit = limit
        self.valueSeen = valueSeen
    }

    /// "field: code — message", for logs.
    public var description: String { "\(field): \(code.rawValue) — \(message)" }
}

extension JobValidationError {
    /// A stable error code. A struct with static members rather than an enum, so codes can be added without breaking
    /// callers that switch over them.
    public struct Code: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
        /// The code as it appears in events and the `validate` command's output.
        public let rawValue: String
        /// Wraps a raw code string.
        public init(rawValue: String) { self.rawValue = rawValue }
        /// The raw code.
        public var description: String { rawValue }
    }
}

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

/// Why a job failed: a stable machine-readable code and a message for people.
///
/// The job contract owns the result event; this is the part of it the worker decides. Codes are dotted strings
/// (`deadline.exceeded`, `submission.ambiguous`, or whatever the validator and API client report) so mapping to the
/// contract's failure type is a field copy.
public struct TaskFailure: Sendable, Hashable, CustomStringConvertible {
    /// The stable error code subscribers branch on.
    public var code: String
    /// A human-readable explanation (never contains the API key).
    public var message: String

    /// A failure with the given code and message.
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    /// Code of a job whose time-to-submission or total deadline passed.
    public static let deadlineExceededCode = "deadline.exceeded"
    /// Code of a job whose create the API kept refusing transiently (5xx, throttling) until the retry policy's
    /// attempts ran out; producing it again later may succeed.
    public static let apiUnavailableCode = "api.unavailable"
    /// Code of a job whose create call's outcome could not be determined and that was not resubmitted.
    public static let submissionAmbiguousCode = "submission.ambiguous"

    /// The failure for a passed deadline, naming which one.
    public static func deadlineExceeded(_ kind: DeadlineKind) -> TaskFailure {
        switch kind {
        case .submission:
            TaskFailure(
                code: deadlineExceededCode,
                message: "the job's time-to-submission deadline passed before the task was created"
            )
        case .total:
            TaskFailure(
                code: deadlineExceededCode,
                message: "the job's total deadline passed before the task ended; it is no longer polled"
            )
        }
    }

    /// The failure for a create whose outcome is unknown and that the policy forbids resubmitting.
    public static func submissionAmbiguous(reason: String) -> TaskFailure {
        TaskFailure(
            code: submissionAmbiguousCode,
            message: "the create call's outcome is unknown (\(reason)); not resubmitted to avoid paying twice"
        )
    }

    public var description: String { "\(code): \(message)" }
}

/// Which of a job's two deadlines passed.
public enum DeadlineKind: String, Sendable, Hashable {
    /// Time from receipt to a created task.
    case submission
    /// Time from receipt to a terminal result.
    case total
}

/// What to do about a create call whose outcome is unknown (a timeout or reset after sending, or a `submitting`
/// ledger record without `submitted` found on restore).
///
/// Blind resubmission is how users pay twice; blind failure may drop a job that was never created. A struct with
/// static members (not a public enum) so further policies can be added without breaking callers.
public struct AmbiguousSubmissionPolicy: Sendable, Hashable, CustomStringConvertible {
    enum Kind: String, Sendable, Hashable {
        case fail
        case reconcileThenFail = "reconcile-then-fail"
        case resubmit
    }

    let kind: Kind

    /// Fail the job with `submission.ambiguous` at once, without querying. Never pays twice and relies on nothing
    /// undocumented (CometAPI does not document queries by `external_task_id`). The default.
    public static let fail = AmbiguousSubmissionPolicy(kind: .fail)

    /// Query the task by `external_task_id`: found → adopt the task; not found, or the query is not supported → fail
    /// with `submission.ambiguous`. Never pays twice.
    public static let reconcileThenFail = AmbiguousSubmissionPolicy(kind: .reconcileThenFail)

    /// Query by `external_task_id` first: found → adopt the task; not found or not supported → create again with the
    /// SAME `external_task_id`. May double-bill when the query is unsupported or misses a task that exists.
    public static let resubmit = AmbiguousSubmissionPolicy(kind: .resubmit)

    /// Every policy, for listing in help and errors.
    public static let all: [AmbiguousSubmissionPolicy] = [.fail, .reconcileThenFail, .resubmit]

    /// The policy named `name` (`fail`, `reconcile-then-fail`, `resubmit`), or nil.
    public init?(name: String) {
        guard let kind = Kind(rawValue: name) else { return nil }
        self.kind = kind
    }

    init(kind: Kind) {
        self.kind = kind
    }

    /// The policy's name as accepted by `init(name:)` and configuration.
    public var name: String { kind.rawValue }

    public var description: String { name }
}

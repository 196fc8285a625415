import CometAPI

/// How one create call ended, as the `outcome` label of the create metrics: `created`, or the kind of the error.
///
/// A struct with static members rather than an enum, so a new kind can be added without breaking callers.
public struct CreateOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The label value.
    public let name: String

    private init(name: String) { self.name = name }

    /// The API answered with a task id.
    public static let created = CreateOutcome(name: "created")

    /// The outcome of a create that failed with an error of `kind`.
    public init(_ kind: CometAPIError.Kind) { name = kind.rawValue }

    /// Every outcome, for series created at start.
    static let all: [CreateOutcome] = [.created] + CometAPIError.Kind.allCases.map(CreateOutcome.init)

    public var description: String { name }
}

/// Which assignment of a partition a piece of work belongs to.
///
/// Every assignment of a jobs partition gets a new epoch, higher than any epoch handed out before in this process.
/// Work started under one assignment carries its epoch; when it completes after the partition was revoked (and maybe
/// assigned again), the epoch no longer matches and the completion is ignored instead of corrupting the new owner's
/// state. Epochs are process-local and never persisted.
public struct AssignmentEpoch: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The epoch's number; higher means later.
    public let rawValue: UInt64

    /// An epoch with the given number (tests and the offset container create them; callers pass them along).
    public init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The epoch that follows this one.
    public var next: AssignmentEpoch { AssignmentEpoch(rawValue: rawValue + 1) }

    public static func < (lhs: AssignmentEpoch, rhs: AssignmentEpoch) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "epoch \(rawValue)" }
}

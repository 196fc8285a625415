import Foundation
import Synchronization

/// Crash points for the end-to-end crash tests: `AVATAR_DEV_FAILPOINT=<name>[:<n>]` makes the process kill itself
/// with `SIGKILL` the n-th time (1st by default) it reaches the named point.
///
/// A `SIGKILL` is what a crash looks like to Kafka and the API (no flush, no commit, no leave-group), so the tests
/// prove recovery from exactly the states these points leave behind. Unknown names are a start-up error, so a typo
/// in a test cannot silently test nothing.
public final class Failpoints: Sendable {
    /// The places the worker can be told to crash at.
    public enum Point: String, Sendable, CaseIterable {
        /// The `submitting` ledger record is acked, before the create call.
        case afterSubmitting = "after-submitting"
        /// The create call answered with a task id, before the `submitted` record is written.
        case afterCreate = "after-create"
        /// A poll answered `submitted`/`processing`.
        case whilePolling = "while-polling"
        /// The result event is acked, before the tombstone is written.
        case afterResult = "after-result"
    }

    /// The environment variable read by `init(environment:)`.
    public static let environmentVariable = "AVATAR_DEV_FAILPOINT"

    private let armed: (point: Point, hit: Int)?
    private let hits = Mutex(0)

    /// No failpoint armed.
    public init() {
        armed = nil
    }

    /// Reads `AVATAR_DEV_FAILPOINT`; throws `ConfigurationError.invalidValue` for an unknown name or bad count.
    public init(environment: [String: String]) throws(ConfigurationError) {
        guard let raw = environment[Self.environmentVariable], !raw.isEmpty else {
            armed = nil
            return
        }
        let parts = raw.split(separator: ":", maxSplits: 1).map(String.init)
        let expected = Point.allCases.map(\.rawValue).joined(separator: ", ") + " (optionally :<n>, n >= 1)"
        guard let point = Point(rawValue: parts[0]) else {
            throw .invalidValue(option: "failpoint", value: raw, expected: expected,
                                source: .environment(Self.environmentVariable))
        }
        var count = 1
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 1 else {
                throw .invalidValue(option: "failpoint", value: raw, expected: expected,
                                    source: .environment(Self.environmentVariable))
            }
            count = parsed
        }
        armed = (point, count)
    }

    /// Marks that `point` was reached; kills the process when it is the armed point's n-th hit.
    public func reached(_ point: Point) {
        guard let armed, armed.point == point else { return }
        let count = hits.withLock { hits in
            hits += 1
            return hits
        }
        if count == armed.hit {
            FileHandle.standardError.write(Data("failpoint \(point.rawValue) hit \(count): SIGKILL\n".utf8))
            kill(getpid(), SIGKILL)
        }
    }
}

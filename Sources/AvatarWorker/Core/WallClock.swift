import Foundation

/// The wall clock as a Swift `Clock`, because the pipeline's deadlines are wall-clock times: they are written into
/// ledger records and read back by another process after a crash or rebalance, so a monotonic clock (which starts
/// anew in every process) cannot carry them.
///
/// `PipelineCore` takes its instants as values and never reads a clock; the production driver reads this one, a
/// simulation or a test passes instants of its own. Value types written for any clock (``SubmissionGate``,
/// ``RequestBudget``) work on these instants unchanged.
public struct WallClock: Clock, Sendable {
    /// A point in wall-clock time.
    public struct Instant: InstantProtocol, Sendable, Hashable, Comparable, CustomStringConvertible {
        /// The point in time.
        public var date: Date

        /// The instant at `date`.
        public init(_ date: Date) {
            self.date = date
        }

        public func advanced(by duration: Duration) -> Instant {
            Instant(date.addingTimeInterval(duration.inSeconds))
        }

        public func duration(to other: Instant) -> Duration {
            .seconds(other.date.timeIntervalSince(date))
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.date < rhs.date }

        public var description: String { date.formatted(.iso8601.time(includingFractionalSeconds: true)) }
    }

    /// The system's wall clock.
    public init() {}

    public var now: Instant { Instant(Date()) }

    public var minimumResolution: Duration { .microseconds(1) }

    /// Sleeps until `deadline` on the wall clock; a wall-clock jump is noticed at the next wake-up at the latest
    /// (the driver never sleeps for long: every change of the next due time wakes it).
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        let wait = now.duration(to: deadline)
        guard wait > .zero else { return }
        try await Task.sleep(for: wait, tolerance: tolerance)
    }
}

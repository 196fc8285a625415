/// Bounds on polling that hold across all tasks of the process.
///
/// Polls are free of charge but they are requests against a shared gateway: the request budget bounds their rate
/// however many tasks are in flight (a restore of a large ledger partition makes every task overdue at once), and
/// the concurrency bound keeps the HTTP client's connection pool from queueing polls behind each other.
public struct PollLimits: Sendable, Hashable {
    /// The global request budget: polls per second, refilled continuously.
    public var requestsPerSecond: Double
    /// How many polls may be spent at once after an idle spell.
    public var burst: Int
    /// How many polls may be in flight at once (yielded and not yet rescheduled).
    public var maxConcurrentPolls: Int

    /// Limits; values below the smallest sensible ones are raised (rate 0.001/s, burst 1, concurrency 1).
    public init(requestsPerSecond: Double = 20, burst: Int = 20, maxConcurrentPolls: Int = 16) {
        self.requestsPerSecond = requestsPerSecond
        self.burst = burst
        self.maxConcurrentPolls = Swift.max(1, maxConcurrentPolls)
    }
}

/// A token bucket: the global budget of poll requests per second across the whole process.
///
/// Polls are free of charge but not of load; one bucket for all tasks keeps the request rate bounded however many
/// tasks are in flight (and smooths the burst of overdue polls after a restore). Tokens refill continuously at
/// `requestsPerSecond` up to `burst`. The bucket is a value type driven by instants, so any `Clock` (including a
/// test clock) works.
public struct RequestBudget<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// Tokens added per second.
    public let requestsPerSecond: Double
    /// The most tokens the bucket holds (the largest burst).
    public let burst: Int

    private var tokens: Double
    private var refilledAt: Instant

    /// A full bucket at `now`. `requestsPerSecond` must be positive and `burst` at least 1 (values below are raised
    /// to the smallest sensible ones: 0.001 per second and 1).
    public init(requestsPerSecond: Double, burst: Int, now: Instant) {
        self.requestsPerSecond = Swift.max(requestsPerSecond, 0.001)
        self.burst = Swift.max(burst, 1)
        self.tokens = Double(self.burst)
        self.refilledAt = now
    }

    /// Takes one token at `now`: nil when granted, else how long until a token will be available (nothing taken).
    public mutating func take(at now: Instant) -> Duration? {
        refill(at: now)
        if tokens >= 1 - 1e-9 {
            tokens = Swift.max(0, tokens - 1)
            return nil
        }
        return .nonNegativeSeconds((1 - tokens) / requestsPerSecond)
    }

    /// The whole tokens available at `now`.
    public mutating func available(at now: Instant) -> Int {
        refill(at: now)
        return Int(tokens)
    }

    private mutating func refill(at now: Instant) {
        guard now > refilledAt else { return }
        let elapsed = refilledAt.duration(to: now).inSeconds
        tokens = Swift.min(Double(burst), tokens + elapsed * requestsPerSecond)
        refilledAt = now
    }
}

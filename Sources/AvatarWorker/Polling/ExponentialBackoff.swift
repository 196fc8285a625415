/// Exponential backoff with full jitter, the retry delay for calls that failed transiently.
///
/// The delay before retry `n` (1-based) is drawn uniformly from `[minimum, min(cap, initial * 2^(n-1))]`
/// ("full jitter": spreads a fleet's retries so they do not arrive in waves). A server's `Retry-After` is a lower
/// bound: the delay is never shorter than it. The random source is injected so tests are deterministic.
public struct ExponentialBackoff: Sendable, Hashable {
    /// The upper bound of the first retry's delay.
    public var initial: Duration
    /// The largest upper bound any retry's delay may have (before `Retry-After`).
    public var cap: Duration
    /// The shortest delay ever returned, so a retry never fires in a tight loop.
    public var minimum: Duration

    /// A backoff whose delays start below `initial`, never exceed `cap` (unless `Retry-After` asks for more), and
    /// never fall below `minimum`.
    public init(initial: Duration = .seconds(1), cap: Duration = .seconds(60), minimum: Duration = .milliseconds(200)) {
        self.initial = initial
        self.cap = cap
        self.minimum = minimum
    }

    /// The delay before retry number `attempt` (1 for the first retry); `retryAfter` is the server's lower bound.
    public func delay(
        beforeRetry attempt: Int,
        retryAfter: Duration? = nil,
        using random: inout some RandomNumberGenerator
    ) -> Duration {
        let exponent = Swift.min(Swift.max(attempt - 1, 0), 62)
        let ceiling = Swift.min(cap.inSeconds, initial.inSeconds * Double(UInt64(1) << UInt64(exponent)))
        let floor = Swift.min(minimum.inSeconds, ceiling)
        let drawn = floor < ceiling ? Double.random(in: floor...ceiling, using: &random) : ceiling
        let jittered = Duration.nonNegativeSeconds(drawn)
        guard let retryAfter else { return jittered }
        return Swift.max(jittered, retryAfter)
    }
}

import Foundation

/// When to try a failed call again: exponential backoff with full jitter, the server's `Retry-After` respected,
/// bounded by a number of attempts and by the caller's deadline.
///
/// A value type that only decides (``decision(afterAttempt:retryAfter:now:deadline:using:)``), so it is tested with
/// a fixed `now` and a seeded random source; the worker's pipeline core is its one user and owns the waits (entries
/// of its timer heap).
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included (1 = never retry).
    public var maximumAttempts: Int
    /// The cap of the first retry's jitter window; each later attempt doubles it.
    public var baseDelay: Duration
    /// The largest jitter window.
    public var maximumDelay: Duration

    /// A policy; `maximumAttempts` below 1 counts as 1.
    public init(maximumAttempts: Int, baseDelay: Duration, maximumDelay: Duration) {
        self.maximumAttempts = max(1, maximumAttempts)
        self.baseDelay = baseDelay
        self.maximumDelay = max(baseDelay, maximumDelay)
    }

    /// Exponential backoff with full jitter (CometAPI's guidance: about 5 attempts, delays capped near 30 s; Kling
    /// asks for at least 1 s before retrying a 1303).
    public static func exponentialJitter(
        maximumAttempts: Int = 5,
        baseDelay: Duration = .seconds(1),
        maximumDelay: Duration = .seconds(30)
    ) -> RetryPolicy {
        RetryPolicy(maximumAttempts: maximumAttempts, baseDelay: baseDelay, maximumDelay: maximumDelay)
    }

    /// Never retry.
    public static let never = RetryPolicy(maximumAttempts: 1, baseDelay: .zero, maximumDelay: .zero)

    /// What to do after attempt number `attempt` (1-based) of a retryable call failed at `now`.
    ///
    /// The wait is a uniform draw from `[0, min(maximumDelay, baseDelay · 2^(attempt-1))]`, raised to the server's
    /// `retryAfter` when that is longer. If the retry could not start before `deadline`, the answer is give up.
    /// Whether a failure is retryable at all is the caller's classification (throttled and transient are; a
    /// permanent error cannot improve, an account error needs the ``SubmissionGate``, an ambiguous create needs
    /// reconciliation).
    public func decision(
        afterAttempt attempt: Int,
        retryAfter: Duration?,
        now: Date,
        deadline: Date?,
        using random: inout some RandomNumberGenerator
    ) -> RetryDecision {
        guard attempt < maximumAttempts else { return .giveUp(.attemptsExhausted(attempt)) }
        let delay = self.delay(afterAttempt: attempt, retryAfter: retryAfter, using: &random)
        if let deadline, now.addingTimeInterval(delay.seconds) >= deadline {
            return .giveUp(.deadlineTooClose(wanted: delay))
        }
        return .retry(after: delay)
    }

    /// The wait after attempt `attempt` (1-based) failed: a full-jitter draw from ``window(forAttempt:)``, raised to
    /// `retryAfter` when that is longer. For callers that bound retries themselves (a deadline timer, a poll loop).
    public func delay(
        afterAttempt attempt: Int, retryAfter: Duration? = nil, using random: inout some RandomNumberGenerator
    ) -> Duration {
        let delay = Self.fullJitter(window: window(forAttempt: attempt), using: &random)
        guard let retryAfter, retryAfter > delay else { return delay }
        return retryAfter
    }

    /// The jitter window of the retry after attempt `attempt`: `baseDelay · 2^(attempt-1)` capped at `maximumDelay`.
    public func window(forAttempt attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 40)
        let scaled = baseDelay * Double(UInt64(1) << UInt64(exponent))
        return min(scaled, maximumDelay)
    }

    private static func fullJitter(window: Duration, using random: inout some RandomNumberGenerator) -> Duration {
        let nanoseconds = window.nanoseconds
        guard nanoseconds > 0 else { return .zero }
        return .nanoseconds(Int64.random(in: 0...nanoseconds, using: &random))
    }
}

/// The answer of ``RetryPolicy/decision(afterAttempt:retryAfter:now:deadline:using:)``.
public enum RetryDecision: Sendable, Equatable {
    /// Wait this long, then try again.
    case retry(after: Duration)
    /// Stop and report the last error.
    case giveUp(GiveUpReason)

    /// Why retrying stopped.
    public enum GiveUpReason: Sendable, Equatable {
        /// This many attempts were made, the most allowed.
        case attemptsExhausted(Int)
        /// The next attempt would start after the deadline; this is the wait that was wanted.
        case deadlineTooClose(wanted: Duration)
    }
}

extension Duration {
    /// The span in seconds as a `Double` (for `Date` arithmetic).
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// The span in whole nanoseconds, saturating.
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : scaled.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue
    }
}

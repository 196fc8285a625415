import CometAPI

/// When to poll a task next: a mode-dependent first delay, then a jittered interval that grows for long tasks.
///
/// Avatar renders take minutes to tens of minutes, so early polls are wasted requests and a long task needs polling
/// less often than a young one. The nominal interval is `interval` until the task has run for `slowDownAfter`, then
/// grows linearly to `slowInterval` over `rampDuration` and stays there (the cap). Every delay is spread by
/// `±jitter` (a fraction) so tasks submitted together do not poll together. Transient poll errors back off with
/// `errorBackoff`. The random source is a parameter so tests are deterministic.
public struct PollPolicy: Sendable, Hashable {
    /// Delay from submission to the first poll of a `std` task.
    public var firstPollDelayStd: Duration
    /// Delay from submission to the first poll of a `pro` task.
    public var firstPollDelayPro: Duration
    /// Interval between polls while the task is young.
    public var interval: Duration
    /// How long a task runs before its interval starts to grow.
    public var slowDownAfter: Duration
    /// The interval a long-running task settles at (the cap).
    public var slowInterval: Duration
    /// How long the growth from `interval` to `slowInterval` takes.
    public var rampDuration: Duration
    /// Fraction in `0..<1` by which every delay is spread up or down at random.
    public var jitter: Double
    /// Backoff after a poll that failed transiently.
    public var errorBackoff: RetryPolicy

    /// A policy; the defaults follow the API reference's advice (poll every 10–15 s, 30 s after five minutes).
    public init(
        firstPollDelayStd: Duration = .seconds(15),
        firstPollDelayPro: Duration = .seconds(30),
        interval: Duration = .seconds(10),
        slowDownAfter: Duration = .seconds(300),
        slowInterval: Duration = .seconds(30),
        rampDuration: Duration = .seconds(300),
        jitter: Double = 0.2,
        errorBackoff: RetryPolicy = .exponentialJitter(
            maximumAttempts: .max, baseDelay: .seconds(2), maximumDelay: .seconds(60))
    ) {
        self.firstPollDelayStd = firstPollDelayStd
        self.firstPollDelayPro = firstPollDelayPro
        self.interval = interval
        self.slowDownAfter = slowDownAfter
        self.slowInterval = slowInterval
        self.rampDuration = rampDuration
        self.jitter = jitter
        self.errorBackoff = errorBackoff
    }

    /// The un-jittered delay from submission to the first poll for `mode`.
    public func nominalFirstPollDelay(for mode: PollMode) -> Duration {
        switch mode {
        case .std: firstPollDelayStd
        case .pro: firstPollDelayPro
        }
    }

    /// The un-jittered interval for a task that has been running for `elapsed` since submission.
    public func nominalInterval(afterRunningFor elapsed: Duration) -> Duration {
        guard elapsed > slowDownAfter, slowInterval > interval else { return interval }
        let progress = rampDuration > .zero ? Swift.min(1, (elapsed - slowDownAfter) / rampDuration) : 1
        return interval + (slowInterval - interval) * progress
    }

    /// The jittered delay from submission to the first poll for `mode`.
    public func firstPollDelay(for mode: PollMode, using random: inout some RandomNumberGenerator) -> Duration {
        jittered(nominalFirstPollDelay(for: mode), using: &random)
    }

    /// The jittered delay until the next poll of a task that has been running for `elapsed`.
    public func nextInterval(afterRunningFor elapsed: Duration, using random: inout some RandomNumberGenerator)
        -> Duration
    {
        jittered(nominalInterval(afterRunningFor: elapsed), using: &random)
    }

    /// The delay after the `consecutiveErrors`-th transient poll failure in a row, never below `retryAfter`.
    public func delayAfterError(
        consecutiveErrors: Int,
        retryAfter: Duration?,
        using random: inout some RandomNumberGenerator
    ) -> Duration {
        errorBackoff.delay(afterAttempt: consecutiveErrors, retryAfter: retryAfter, using: &random)
    }

    private func jittered(_ nominal: Duration, using random: inout some RandomNumberGenerator) -> Duration {
        let spread = Swift.min(Swift.max(jitter, 0), 0.99)
        guard spread > 0 else { return nominal }
        let factor = 1 + Double.random(in: -spread...spread, using: &random)
        return .nonNegativeSeconds(nominal.inSeconds * factor)
    }
}

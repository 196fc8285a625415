/// Seconds as `Double` for the arithmetic of rates (token bucket), jitter factors and backoff ceilings.
///
/// `Duration` keeps exact attoseconds, which is right for instants but awkward for multiplying by a random factor
/// or dividing tokens by a rate; these two conversions are the only bridge, so every such computation rounds the
/// same way and never produces a negative wait. Precision loss is far below a clock tick for any span a worker
/// schedules (deadlines of hours are exact to well under a microsecond).
extension Duration {
    /// The duration as a floating-point number of seconds, for rate and jitter arithmetic.
    ///
    /// Precision is that of `Double` (well below a microsecond for the spans a worker deals with).
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }

    /// A duration of `seconds`, clamped at zero so arithmetic noise never yields a negative wait.
    static func nonNegativeSeconds(_ seconds: Double) -> Duration {
        .seconds(Swift.max(0, seconds))
    }
}

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

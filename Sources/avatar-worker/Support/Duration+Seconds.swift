extension Duration {
    /// The duration in (fractional) seconds, for printing rates.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

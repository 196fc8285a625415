import Foundation

extension RetryPolicy {
    /// Runs `operation` until it succeeds or the policy gives up, sleeping on `clock` between attempts.
    ///
    /// `operation` gets the 1-based attempt number. `onRetry` is told each error that will be retried and the wait
    /// chosen (for logs and metrics). Tests pass a clock that does not really sleep. If the task is cancelled while
    /// waiting, the last error is thrown.
    ///
    /// - Throws: the last ``CometAPIError`` when the policy gives up.
    public func run<Result, C: Clock<Duration>>(
        deadline: Date? = nil,
        clock: C,
        now: @Sendable () -> Date = { Date() },
        random: inout some RandomNumberGenerator,
        onRetry: (CometAPIError, Duration) -> Void = { _, _ in },
        operation: (Int) async throws(CometAPIError) -> Result
    ) async throws(CometAPIError) -> Result {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch let failure {
                switch decision(after: failure, attempt: attempt, now: now(), deadline: deadline, using: &random) {
                case .giveUp:
                    throw failure
                case .retry(let delay):
                    onRetry(failure, delay)
                    do {
                        try await clock.sleep(for: delay)
                    } catch {
                        throw failure
                    }
                    attempt += 1
                }
            }
        }
    }
}

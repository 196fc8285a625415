/// What came of one poll of a task, handed back to the scheduler to decide the next poll.
public enum PollOutcome: Sendable, Hashable {
    /// The task is still queued or rendering: poll again after the regular (growing, jittered) interval.
    case stillRunning
    /// The poll failed transiently (5xx, timeout, reset, throttled): poll again after a backoff, never sooner than
    /// `retryAfter` when the server sent one.
    case failedTransiently(retryAfter: Duration?)
    /// The task reached a terminal state (or is abandoned): stop polling it.
    case finished
}

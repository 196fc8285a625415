/// What came of one poll of a task, handed back to the scheduler to decide the next poll.
///
/// Every poll the scheduler yields must be handed back exactly once with one of these, also when the poll threw:
/// the hand-back is what frees the poll's concurrency slot. A task dropped meanwhile (revoke, deadline) is handed
/// back all the same; the scheduler then only frees the slot.
///
/// How the API's answers map (DESIGN.md, "Talking to CometAPI"):
/// - `task_status` `submitted` or `processing` (or a wrapper's `IN_PROGRESS`) → `.stillRunning`;
/// - `succeed`/`succeeded`/`SUCCESS`, `failed`/`FAILURE`, or a permanent query error (e.g. the task is unknown)
///   → `.finished` (the task lifecycle publishes the result);
/// - 5xx, 524, timeouts, resets, HTML or non-JSON bodies, 429 → `.failedTransiently`, with the `Retry-After` header
///   when there was one. Queries hold no account concurrency slot, so throttling here never shrinks capacity.
public enum PollOutcome: Sendable, Hashable {
    /// The task is still queued or rendering: poll again after the regular (growing, jittered) interval.
    case stillRunning
    /// The poll failed transiently (5xx, timeout, reset, throttled): poll again after a backoff, never sooner than
    /// `retryAfter` when the server sent one.
    case failedTransiently(retryAfter: Duration?)
    /// The task reached a terminal state (or is abandoned): stop polling it.
    case finished
}

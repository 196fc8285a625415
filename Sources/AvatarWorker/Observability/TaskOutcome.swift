/// How a created task ended, as the `outcome` label of the task-duration histogram.
///
/// A struct with static members rather than an enum, so a new ending (a cancellation) can be added without breaking
/// callers.
public struct TaskOutcome: Sendable, Hashable, CustomStringConvertible {
    /// The label value.
    public let name: String

    private init(name: String) { self.name = name }

    /// The API reported `succeed`/`succeeded` with a video.
    public static let succeeded = TaskOutcome(name: "succeeded")
    /// The API reported the task failed (or succeeded without a video).
    public static let failed = TaskOutcome(name: "failed")
    /// The job's total deadline passed while the task ran; it is no longer polled.
    public static let deadlineExceeded = TaskOutcome(name: "deadline_exceeded")

    /// Every outcome, for series created at start.
    static let all: [TaskOutcome] = [.succeeded, .failed, .deadlineExceeded]

    public var description: String { name }
}

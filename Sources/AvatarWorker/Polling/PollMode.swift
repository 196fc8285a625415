/// Which first-poll delay applies to a task: Kling's `std` mode renders faster than `pro`.
///
/// The job contract owns the job's mode; the integration maps it here with `PollMode(rawValue:)`, the values being
/// the API's own (`std`, `pro`).
public enum PollMode: String, Sendable, Hashable, CaseIterable {
    /// Standard mode: faster and cheaper, so the first poll comes sooner.
    case std
    /// Professional mode: higher quality and slower, so the first poll waits longer.
    case pro
}

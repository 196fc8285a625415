/// Which first-poll delay applies to a task: Kling's `std` mode renders faster than `pro`.
///
/// A local enum rather than the contract's type so the scheduler depends on nothing but the standard library;
/// the mapping is one `PollMode(rawValue:)` call in the integration.
///
/// The job contract owns the job's mode; the integration maps it here with `PollMode(rawValue:)`, the values being
/// the API's own (`std`, `pro`). A job without a mode runs as `std`, the API's default, so the integration maps a
/// missing mode to `.std`.
///
/// Generation time grows with the mode (the API reference: `pro` "takes longer to generate"); polling a `pro` task
/// as early as a `std` one only spends request budget on answers that are certain to say `processing`. The two
/// first-poll delays live in `PollPolicy` (`firstPollDelayStd`, `firstPollDelayPro`), configurable per deployment.
public enum PollMode: String, Sendable, Hashable, CaseIterable {
    /// Standard mode: faster and cheaper, so the first poll comes sooner.
    /// It is also the API's default when a job names no mode.
    case std
    /// Professional mode: higher quality and slower, so the first poll waits longer.
    /// (Third-party price lists put it at about twice the per-second price of `std`.)
    case pro
}

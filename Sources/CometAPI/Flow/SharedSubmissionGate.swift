import Synchronization

/// A ``SubmissionGate`` shared by all submitters of one worker, on a real or test clock.
public final class SharedSubmissionGate<C: Clock>: Sendable where C.Duration == Duration, C: Sendable {
    private let gate: Mutex<SubmissionGate<C.Instant>>
    private let clock: C

    /// An open gate that probes every `probeInterval` once closed, reading time from `clock`.
    public init(probeInterval: Duration, clock: C) {
        self.gate = Mutex(SubmissionGate(probeInterval: probeInterval))
        self.clock = clock
    }

    /// The gate's state now.
    public var state: SubmissionGate<C.Instant>.State { gate.withLock { $0.state } }

    /// Asks to submit now; see ``SubmissionGate/permission(at:)``.
    public func permission() -> SubmissionGate<C.Instant>.Permission {
        let now = clock.now
        return gate.withLock { $0.permission(at: now) }
    }

    /// Reports an ordinary submission's outcome; true when it closed the gate.
    @discardableResult
    public func record(_ outcome: SubmissionGate<C.Instant>.Outcome) -> Bool {
        let now = clock.now
        return gate.withLock { $0.record(outcome, at: now) }
    }

    /// Reports the probe's outcome; true when it opened the gate.
    @discardableResult
    public func recordProbe(_ outcome: SubmissionGate<C.Instant>.Outcome) -> Bool {
        let now = clock.now
        return gate.withLock { $0.recordProbe(outcome, at: now) }
    }
}

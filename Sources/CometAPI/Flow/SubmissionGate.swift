/// Stops new submissions after an account error (1100 abnormal, 1101 in arrears, 1102 pack exhausted) until one
/// probe submission gets through.
///
/// Jobs are kept, not failed, while the gate is closed: the account problem is the operator's to fix. After
/// ``probeInterval`` one submission is let through as a probe; if the API accepts it the gate opens, if it answers
/// with an account error again the gate stays closed for another interval, and any other outcome allows the next
/// probe at once. A value type generic over the clock's instant, so tests move time by hand;
/// ``SharedSubmissionGate`` wraps it for concurrent use.
public struct SubmissionGate<Instant: InstantProtocol>: Sendable, Equatable where Instant.Duration == Duration {
    /// Where the gate is.
    public enum State: Sendable, Equatable {
        /// Submissions flow.
        case open
        /// Closed by account error `code`; a probe may go at `nextProbeAt`.
        case closed(code: Int, since: Instant, nextProbeAt: Instant)
        /// Closed by `code`; one probe is out, everyone else waits for its outcome.
        case probing(code: Int, since: Instant)
    }

    /// What a submitter may do now.
    public enum Permission: Sendable, Equatable {
        /// Submit normally.
        case submit
        /// Submit this one as the probe, then report with ``SubmissionGate/recordProbe(_:at:)``.
        case probe
        /// Do not submit; ask again at `until` (or when told the probe ended, if `until` is `nil`).
        case wait(until: Instant?)
    }

    /// What a create call ended in, as far as the gate cares.
    public enum Outcome: Sendable, Equatable {
        /// The API accepted the task.
        case accepted
        /// The API answered with account code 1100–1102.
        case accountError(code: Int)
        /// Anything else (throttled, transient, permanent, ambiguous): says nothing about the account.
        case other
    }

    /// Time between probes while closed.
    public let probeInterval: Duration
    /// The gate's state.
    public private(set) var state: State = .open

    /// An open gate that probes every `probeInterval` once closed.
    public init(probeInterval: Duration) {
        self.probeInterval = probeInterval
    }

    /// Whether submissions flow.
    public var isOpen: Bool { state == .open }

    /// Asks to submit at `now`. Returns ``Permission/probe`` to exactly one caller per probe round.
    public mutating func permission(at now: Instant) -> Permission {
        switch state {
        case .open:
            return .submit
        case .closed(let code, let since, let nextProbeAt):
            guard now >= nextProbeAt else { return .wait(until: nextProbeAt) }
            state = .probing(code: code, since: since)
            return .probe
        case .probing:
            return .wait(until: nil)
        }
    }

    /// Reports an ordinary (non-probe) submission's outcome. An account error closes an open gate.
    ///
    /// - Returns: true when this call closed the gate (alert once).
    @discardableResult
    public mutating func record(_ outcome: Outcome, at now: Instant) -> Bool {
        guard case .accountError(let code) = outcome, state == .open else { return false }
        state = .closed(code: code, since: now, nextProbeAt: now.advanced(by: probeInterval))
        return true
    }

    /// Reports the probe's outcome. Accepted opens the gate; an account error closes it for another interval;
    /// anything else allows another probe at once.
    ///
    /// - Returns: true when this call opened the gate.
    @discardableResult
    public mutating func recordProbe(_ outcome: Outcome, at now: Instant) -> Bool {
        guard case .probing(let code, let since) = state else { return false }
        switch outcome {
        case .accepted:
            state = .open
            return true
        case .accountError(let newCode):
            state = .closed(code: newCode, since: since, nextProbeAt: now.advanced(by: probeInterval))
        case .other:
            state = .closed(code: code, since: since, nextProbeAt: now)
        }
        return false
    }
}

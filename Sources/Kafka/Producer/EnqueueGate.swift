import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Lets any number of senders into librdkafka's produce call at once, without a lock, and lets close wait until the
/// last one is out, so no message is handed to a handle that is being torn down.
final class EnqueueGate: Sendable {
    /// Low bits: senders inside; `closedFlag`: closed.
    private let state = Atomic<Int>(0)
    private static let closedFlag = 1 << 62

    /// Enters the gate; false once it is closed (the caller must not produce).
    func enter() -> Bool {
        let after = state.wrappingAdd(1, ordering: .acquiringAndReleasing).newValue
        guard after & Self.closedFlag == 0 else {
            state.wrappingSubtract(1, ordering: .releasing)
            return false
        }
        return true
    }

    /// Leaves the gate after a successful ``enter()``.
    func leave() { state.wrappingSubtract(1, ordering: .releasing) }

    /// Closes the gate and waits (briefly: a produce call takes microseconds) until every sender inside has left.
    /// Returns false when it was already closed.
    func close() -> Bool {
        let before = state.bitwiseOr(Self.closedFlag, ordering: .acquiringAndReleasing).oldValue
        while state.load(ordering: .acquiring) & ~Self.closedFlag != 0 { sched_yield() }
        return before & Self.closedFlag == 0
    }
}

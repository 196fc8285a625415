import Synchronization

/// A ``ConcurrencyLimiter`` shared by many tasks: ``acquire()`` waits (first come, first served) until a slot is
/// free, and gives up with `CancellationError` if the waiting task is cancelled.
///
/// The limiter and the waiters sit under one `Mutex`; continuations are resumed outside the lock.
public final class SharedConcurrencyLimiter: Sendable {
    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<ConcurrencyLimiter.Permit, any Error>
    }

    private struct State {
        var limiter: ConcurrencyLimiter
        var waiters: [Waiter] = []
        var cancelledWaiters: Set<UInt64> = []
        var nextWaiterID: UInt64 = 0

        /// Hands free slots to waiters in order; returns the resumptions to perform outside the lock.
        mutating func grantWaiters() -> [(Waiter, ConcurrencyLimiter.Permit)] {
            var granted: [(Waiter, ConcurrencyLimiter.Permit)] = []
            while !waiters.isEmpty, let permit = limiter.acquire() {
                granted.append((waiters.removeFirst(), permit))
            }
            return granted
        }
    }

    private let state: Mutex<State>

    /// A shared limiter with `configuration`.
    public init(configuration: ConcurrencyLimiter.Configuration) {
        state = Mutex(State(limiter: ConcurrencyLimiter(configuration: configuration)))
    }

    /// A copy of the limiter's state now (limit, permits out), for metrics and health.
    public var snapshot: ConcurrencyLimiter { state.withLock { $0.limiter } }

    /// Tasks waiting in ``acquire()`` now.
    public var waiting: Int { state.withLock { $0.waiters.count } }

    /// A permit now if one is free and nobody is waiting, else `nil`.
    public func tryAcquire() -> ConcurrencyLimiter.Permit? {
        state.withLock { $0.waiters.isEmpty ? $0.limiter.acquire() : nil }
    }

    /// Waits for a permit.
    ///
    /// - Throws: `CancellationError` when the calling task is cancelled before a permit is granted.
    public func acquire() async throws -> ConcurrencyLimiter.Permit {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let immediate: Result<ConcurrencyLimiter.Permit, any Error>? = state.withLock { state in
                    if state.cancelledWaiters.remove(id) != nil { return .failure(CancellationError()) }
                    if state.waiters.isEmpty, let permit = state.limiter.acquire() { return .success(permit) }
                    state.waiters.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
            }
        } onCancel: {
            let waiter: Waiter? = state.withLock { state in
                if let index = state.waiters.firstIndex(where: { $0.id == id }) {
                    return state.waiters.remove(at: index)
                }
                state.cancelledWaiters.insert(id)
                return nil
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// The create under `permit` was accepted; the limit may grow and waiters may be let in.
    public func recordAccepted(_ permit: ConcurrencyLimiter.Permit) {
        update { $0.recordAccepted(permit) }
    }

    /// The create under `permit` got 1303: the permit is returned and the limit shrinks.
    public func recordThrottled(_ permit: ConcurrencyLimiter.Permit) {
        update { $0.recordThrottled(permit) }
    }

    /// The task under `permit` ended; a waiter may take its slot.
    public func release(_ permit: ConcurrencyLimiter.Permit) {
        update { $0.release(permit) }
    }

    /// A new ceiling after a rebalance.
    public func setCeiling(_ ceiling: Int) {
        update { $0.setCeiling(ceiling) }
    }

    private func update(_ change: (inout ConcurrencyLimiter) -> Void) {
        let granted = state.withLock { state in
            change(&state.limiter)
            return state.grantWaiters()
        }
        for (waiter, permit) in granted { waiter.continuation.resume(returning: permit) }
    }
}

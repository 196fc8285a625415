import Synchronization

/// Gathers the delivery reports of one ``KafkaProducer/sendAll(_:)`` batch and wakes its caller when the last one is in.
///
/// Why `@unchecked Sendable` is sound: each slot of `outcomes` is written exactly once (one delivery report per
/// message, or the sender's own failure record for a message that was never queued), by whichever thread records it;
/// the write happens before that thread decrements `remaining` (release), and the slots are read only after
/// `remaining` was seen at zero (acquire), so no slot is ever read while or before it is written. The waiter hand-off
/// is guarded by a mutex. Memory is freed in `deinit`, when no thread can hold a reference.
final class BatchDeliveryCollector: @unchecked Sendable {
    private let outcomes: UnsafeMutablePointer<Result<KafkaDeliveryReport, KafkaError>?>
    private let count: Int
    private let remaining: Atomic<Int>
    private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

    init(count: Int) {
        self.count = count
        outcomes = .allocate(capacity: max(count, 1))
        outcomes.initialize(repeating: nil, count: count)
        remaining = Atomic(count)
    }

    deinit {
        outcomes.deinitialize(count: count)
        outcomes.deallocate()
    }

    /// Records the outcome of slot `index` (exactly once per slot).
    func record(_ outcome: Result<KafkaDeliveryReport, KafkaError>, at index: Int) {
        outcomes[index] = outcome
        guard remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        let continuation = waiter.withLock { waiter in
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume()
    }

    /// Waits until every slot has an outcome and returns them in slot order.
    func outcomes() async -> [Result<KafkaDeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let done = waiter.withLock { waiter in
                if remaining.load(ordering: .acquiring) == 0 { return true }
                waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
        _ = remaining.load(ordering: .acquiring)
        return (0..<count).map {
            // Every slot is filled before `remaining` reaches zero; the fallback only keeps this total.
            outcomes[$0] ?? .failure(KafkaError(code: .invalidState, reason: "no delivery report", operation: "send batch"))
        }
    }
}

import Synchronization

/// What to do with one message's delivery report: carried through librdkafka as the message opaque (retained once
/// when produced, released exactly once in the delivery-report callback or when the produce call itself fails).
final class DeliveryCompletion: Sendable {
    /// Who waits for the report.
    enum Target: Sendable {
        /// One awaited ``KafkaProducer/send(_:)``.
        case single(CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>)
        /// Slot `index` of a ``KafkaProducer/sendAll(_:)`` batch.
        case batch(BatchDeliveryCollector, Int)
    }

    let target: Target

    init(_ target: Target) { self.target = target }

    /// Hands the outcome to the waiter.
    func complete(_ outcome: Result<KafkaDeliveryReport, KafkaError>) {
        switch target {
        case .single(let continuation): continuation.resume(returning: outcome)
        case .batch(let collector, let index): collector.record(outcome, at: index)
        }
    }
}

/// Gathers the delivery reports of one ``KafkaProducer/sendAll(_:)`` batch and wakes its caller when the last one is in.
final class BatchDeliveryCollector: Sendable {
    private struct State {
        var outcomes: [Result<KafkaDeliveryReport, KafkaError>?]
        var remaining: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(outcomes: Array(repeating: nil, count: count), remaining: count, waiter: nil))
    }

    /// Records the outcome of slot `index` (exactly once per slot).
    func record(_ outcome: Result<KafkaDeliveryReport, KafkaError>, at index: Int) {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.outcomes[index] = outcome
            state.remaining -= 1
            guard state.remaining == 0 else { return nil }
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }

    /// Waits until every slot has an outcome and returns them in slot order.
    func outcomes() async -> [Result<KafkaDeliveryReport, KafkaError>] {
        await withCheckedContinuation { continuation in
            let done = state.withLock { state in
                if state.remaining == 0 { return true }
                state.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
        return state.withLock { state in
            state.outcomes.map {
                // Every slot is filled before `remaining` reaches zero; the fallback only keeps this total.
                $0 ?? .failure(KafkaError(code: .invalidState, reason: "no delivery report", operation: "send batch"))
            }
        }
    }
}

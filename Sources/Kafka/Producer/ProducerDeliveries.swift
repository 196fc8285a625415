import CRdKafka
import Synchronization

/// The producer side of librdkafka's delivery-report callback: completes each message's waiter and lets senders that
/// met a full local queue (`QUEUE_FULL`) wait for progress instead of failing.
///
/// Back-pressure works by generation: every poll that served delivery reports bumps a counter (``served(_:)``); a
/// sender that saw `QUEUE_FULL` at generation g waits until the counter moves past g (reports freed queue space) or
/// the poll thread's next tick (at most 100 ms later), then retries or gives up at its deadline. A report itself costs
/// one atomic decrement in its ``DeliverySlots``; the lock is taken only while some sender waits.
final class ProducerDeliveries: Sendable {
    private let generationCounter = Atomic<UInt64>(0)
    private let waiterCount = Atomic<Int>(0)
    private let waiters = Mutex<[CheckedContinuation<Void, Never>]>([])

    /// The current delivery-report generation.
    var generation: UInt64 { generationCounter.load(ordering: .sequentiallyConsistent) }

    /// Suspends until a delivery report arrives after `generation`, or the next poll-thread tick.
    func waitForProgress(after generation: UInt64) async {
        await withCheckedContinuation { continuation in
            waiters.withLock { waiters in
                waiters.append(continuation)
                waiterCount.add(1, ordering: .sequentiallyConsistent)
            }
            // A report that came in before we were registered would not have seen us: check again.
            if generationCounter.load(ordering: .sequentiallyConsistent) != generation { wakeAll() }
        }
    }

    /// Wakes every waiting sender so it re-checks its deadline (called by the poll thread after each poll).
    func tick() { wakeAll() }

    /// Records that a poll served `events` callbacks: when some were delivery reports, queue space may be free.
    func served(_ events: Int32) {
        guard events > 0 else { return }
        generationCounter.add(1, ordering: .sequentiallyConsistent)
        wakeAll()
    }

    private func wakeAll() {
        guard waiterCount.load(ordering: .sequentiallyConsistent) > 0 else { return }
        let woken = waiters.withLock { waiters in
            defer { waiters = [] }
            waiterCount.subtract(waiters.count, ordering: .sequentiallyConsistent)
            return waiters
        }
        for waiter in woken { waiter.resume() }
    }

    /// Handles one delivery report (librdkafka's `dr_msg_cb`, on the poll thread).
    func deliver(_ message: UnsafePointer<rd_kafka_message_t>, rk: OpaquePointer?) {
        if let opaque = message.pointee._private {
            DeliverySlots.deliver(message, opaque: opaque) { topic in Self.error(of: message, topic: topic, rk: rk) }
        }
    }

    private static func error(of message: UnsafePointer<rd_kafka_message_t>, topic: String, rk: OpaquePointer?) -> KafkaError {
        let record = message.pointee
        let operation = "deliver to \(topic)[\(record.partition)]"
        let code = KafkaErrorCode(record.err)
        if code == .fatal, let rk, let fatal = RdKafkaHandle(pointer: rk).fatalError(operation: operation) {
            return fatal
        }
        // Not `rd_kafka_message_errstr`: for a delivery report it returns the message's payload, not an error text.
        return KafkaError(code: code, reason: code.explanation, operation: operation)
    }
}

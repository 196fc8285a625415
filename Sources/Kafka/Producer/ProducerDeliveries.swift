import CRdKafka
import Synchronization

/// The producer side of librdkafka's delivery-report callback: completes each message's waiter and lets senders that
/// met a full local queue (`QUEUE_FULL`) wait for progress instead of failing.
///
/// Back-pressure works by generation: every delivery report bumps a counter; a sender that saw `QUEUE_FULL` at
/// generation g waits until the counter moves past g (a report freed queue space) or the poll thread's next tick
/// (at most 100 ms later), then retries or gives up at its deadline. The hot path (one report) is two atomic
/// operations; the lock is taken only while some sender waits.
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
        generationCounter.add(1, ordering: .sequentiallyConsistent)
        wakeAll()
    }

    private static func error(of message: UnsafePointer<rd_kafka_message_t>, topic: String, rk: OpaquePointer?) -> KafkaError {
        let record = message.pointee
        let operation = "deliver to \(topic)[\(record.partition)]"
        let code = KafkaErrorCode(record.err)
        if code == .fatal, let rk, let fatal = RdKafkaHandle(pointer: rk).fatalError(operation: operation) {
            return fatal
        }
        return KafkaError(code: code, reason: CString.string(rd_kafka_message_errstr(message)), operation: operation)
    }
}

import CRdKafka
import Synchronization

/// The producer side of librdkafka's delivery-report callback: completes each message's waiter and lets senders that
/// met a full local queue (`QUEUE_FULL`) wait for progress instead of failing.
///
/// Back-pressure works by generation: every delivery report bumps a counter; a sender that saw `QUEUE_FULL` at
/// generation g waits until the counter moves past g (a report freed queue space) or the poll thread's next tick
/// (at most 100 ms later), then retries or gives up at its deadline.
final class ProducerDeliveries: Sendable {
    private struct Progress {
        var generation: UInt64 = 0
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let progress = Mutex(Progress())

    /// The current delivery-report generation.
    var generation: UInt64 { progress.withLock { $0.generation } }

    /// Suspends until a delivery report arrives after `generation`, or the next poll-thread tick.
    func waitForProgress(after generation: UInt64) async {
        await withCheckedContinuation { continuation in
            let moved = progress.withLock { state in
                if state.generation != generation { return true }
                state.waiters.append(continuation)
                return false
            }
            if moved { continuation.resume() }
        }
    }

    /// Wakes every waiting sender so it re-checks its deadline (called by the poll thread after each poll).
    func tick() {
        let waiters = progress.withLock { state in
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Handles one delivery report (librdkafka's `dr_msg_cb`, on the poll thread).
    func deliver(_ message: UnsafePointer<rd_kafka_message_t>, rk: OpaquePointer?) {
        let record = message.pointee
        if let opaque = record._private {
            let completion = Unmanaged<DeliveryCompletion>.fromOpaque(opaque).takeRetainedValue()
            let topic = CString.string(rd_kafka_topic_name(record.rkt))
            if record.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                completion.complete(
                    .success(KafkaDeliveryReport(topic: topic, partition: record.partition, offset: record.offset)))
            } else {
                completion.complete(.failure(Self.error(of: message, topic: topic, rk: rk)))
            }
        }
        let waiters = progress.withLock { state in
            state.generation &+= 1
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
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

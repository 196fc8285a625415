import CRdKafka
import Synchronization

/// The delivery reports of one ``KafkaProducer/send(_:)`` or ``KafkaProducer/sendAll(_:)`` call: one slot per message
/// in a single buffer allocated for the whole call. A slot's address is its message's librdkafka opaque.
///
/// Why slots: the delivery report is the hot path of bulk sends. With a slot per message, a successful report costs
/// no allocation, no `Result` and no lock: the callback writes a partition and an offset into the slot and counts
/// down one atomic. Reports, with their topic names, are assembled once at the end, on the caller's task; failures
/// (rare) keep their full ``KafkaError`` in a side table.
///
/// Why `@unchecked Sendable` is sound: every slot is written exactly once (one delivery report per queued message, or
/// the sender's own failure record for a message that was never queued), by whichever thread records it, and that
/// write happens before the thread decrements `remaining` (release). Slots are read only after `remaining` was seen at
/// zero (acquire), so no slot is read while or before it is written. The failure table and the waiter hand-off are
/// guarded by mutexes.
///
/// Lifetime without a retain per report: while any message is outstanding the slots hold one reference to themselves,
/// taken in `init` and given up by the final `countDown` as its very last access. A report reaches its slots through
/// an unretained pointer and touches nothing after its own countdown, so the buffer, freed in `deinit`, outlives
/// every access; the caller of ``outcomes()`` holds its own reference until it returns.
final class DeliverySlots: @unchecked Sendable {
    private struct Slot {
        /// The slots object this slot belongs to, unretained (see the type's lifetime note).
        let owner: Unmanaged<DeliverySlots>
        var partition: Int32 = -1
        var offset: Int64 = -1
    }

    /// The messages, for the topic names of the reports (kept, not copied: arrays share their storage).
    private let messages: [KafkaProducerMessage]
    private let slots: UnsafeMutablePointer<Slot>
    private let remaining: Atomic<Int>
    private let failures = Mutex<[Int: KafkaError]>([:])
    private let waiter = Mutex<CheckedContinuation<Void, Never>?>(nil)

    /// Slots for `messages`, all waiting for their report.
    init(for messages: [KafkaProducerMessage]) {
        self.messages = messages
        slots = .allocate(capacity: max(messages.count, 1))
        remaining = Atomic(messages.count)
        slots.initialize(repeating: Slot(owner: Unmanaged.passUnretained(self)), count: messages.count)
        // The outstanding messages' reference, given up by the final countdown.
        if !messages.isEmpty { _ = Unmanaged.passUnretained(self).retain() }
    }

    deinit {
        slots.deinitialize(count: messages.count)
        slots.deallocate()
    }

    /// The librdkafka opaque for message `index`.
    func opaque(at index: Int) -> UnsafeMutableRawPointer { UnsafeMutableRawPointer(slots + index) }

    /// Records the delivery report of the message whose opaque is `opaque` (librdkafka's `dr_msg_cb`);
    /// `failure` builds the error of a failed report.
    static func deliver(
        _ message: UnsafePointer<rd_kafka_message_t>, opaque: UnsafeMutableRawPointer,
        failure: (_ topic: String) -> KafkaError
    ) {
        let slot = opaque.assumingMemoryBound(to: Slot.self)
        // No retain: this message is outstanding, so the slots hold their own reference until its countdown, the
        // last thing done here.
        slot.pointee.owner._withUnsafeGuaranteedRef { owner in
            let record = message.pointee
            if record.err == RD_KAFKA_RESP_ERR_NO_ERROR {
                slot.pointee.partition = record.partition
                slot.pointee.offset = record.offset
                owner.countDown()
            } else {
                let index = slot - owner.slots
                owner.record(failure(owner.messages[index].topic), at: index)
            }
        }
    }

    /// Records that message `index` failed (exactly once per slot, and never for a message that got a report).
    func record(_ error: KafkaError, at index: Int) {
        failures.withLock { $0[index] = error }
        countDown()
    }

    private func countDown() {
        guard remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 else { return }
        let continuation = waiter.withLock { waiter in
            defer { waiter = nil }
            return waiter
        }
        continuation?.resume()
        // The outstanding messages' reference (see `init`): after this, `self` may be gone.
        Unmanaged.passUnretained(self).release()
    }

    /// Waits until every message has an outcome and returns them in message order.
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
        let failures = failures.withLock { $0 }
        var outcomes: [Result<KafkaDeliveryReport, KafkaError>] = []
        outcomes.reserveCapacity(messages.count)
        var topic = messages.first?.topic ?? ""
        for index in messages.indices {
            if !failures.isEmpty, let failure = failures[index] {
                outcomes.append(.failure(failure))
                continue
            }
            if messages[index].topic != topic { topic = messages[index].topic }
            let slot = slots[index]
            outcomes.append(.success(KafkaDeliveryReport(topic: topic, partition: slot.partition, offset: slot.offset)))
        }
        return outcomes
    }
}

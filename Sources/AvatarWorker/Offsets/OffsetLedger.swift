/// Tracks which consumed offsets of one jobs partition have a durable fate, and so which offset may be stored.
///
/// A job's offset may be stored once its fate is durable (its `submitted` ledger record or its terminal event is
/// acked), but fates become durable out of order. The ledger keeps the offsets received and not yet durable, and
/// answers the *committable offset*: one past the highest offset below which every received offset is durable.
/// Storing exactly that offset in Kafka means a restart re-reads every job whose fate is not yet durable and nothing
/// else but a few durable ones (which the restored task ledger recognises by `job_id`).
///
/// - Gaps are fine: only offsets actually received count, so offsets skipped by compaction or transaction markers
///   never hold the committable offset back.
/// - Receiving an offset twice (a duplicate, or a redelivery after a rewind) never lowers the committable offset.
/// - Marking an offset durable that was never received (or belongs to an earlier assignment) is ignored.
///
/// Memory is proportional to the offsets pending plus the durable offsets above the lowest pending one.
public struct OffsetLedger: Sendable, Hashable {
    /// What `received(_:)` made of an offset.
    public enum ReceiveOutcome: Sendable, Hashable {
        /// A new offset: it now holds the committable offset back until it is marked durable.
        case accepted
        /// The offset was received before and is still pending (a duplicate delivery).
        case duplicate
        /// The offset was received before and is already durable (a redelivery after a rewind).
        case alreadyDurable
    }

    /// What `markDurable(_:)` made of an offset.
    public enum DurableOutcome: Sendable, Hashable {
        /// The offset was pending and is now durable.
        case recorded
        /// The offset was already durable, or lies below the committable offset (a second completion).
        case alreadyDurable
        /// The offset was never received since the last reset; nothing changed.
        case unknown
    }

    private var pending = OffsetSet()
    /// Durable offsets above the lowest pending offset; those below it are folded into the frontier.
    private var durableAbove = OffsetSet()
    private var highestReceived: Int64?
    private var lastHandedOut: Int64?

    /// An empty ledger: nothing received, nothing to store.
    public init() {}

    /// One past the highest offset below which every received offset is durable; nil before anything is received.
    ///
    /// This is the value to store in Kafka (the next offset to consume). It never decreases between resets.
    public var committableOffset: Int64? {
        if let lowestPending = pending.min { return lowestPending }
        return highestReceived.map { $0 + 1 }
    }

    /// How many received offsets are not durable yet.
    public var pendingCount: Int { pending.count }

    /// Records that the message at `offset` was received from the consumer.
    @discardableResult
    public mutating func received(_ offset: Int64) -> ReceiveOutcome {
        if pending.contains(offset) { return .duplicate }
        if durableAbove.contains(offset) { return .alreadyDurable }
        if let frontier = committableOffset, offset < frontier { return .alreadyDurable }
        pending.insert(offset)
        highestReceived = max(highestReceived ?? offset, offset)
        return .accepted
    }

    /// Records that the fate of the message at `offset` is durable; completions may arrive in any order.
    @discardableResult
    public mutating func markDurable(_ offset: Int64) -> DurableOutcome {
        guard pending.remove(offset) else {
            if durableAbove.contains(offset) { return .alreadyDurable }
            if let frontier = committableOffset, offset < frontier { return .alreadyDurable }
            return .unknown
        }
        if let lowestPending = pending.min {
            if offset > lowestPending { durableAbove.insert(offset) }
            durableAbove.removeAll(below: lowestPending)
        } else {
            durableAbove.removeAll()
        }
        return .recorded
    }

    /// The committable offset if it moved past the one this method returned last, else nil.
    ///
    /// Call after any change and store the result (`rd_kafka_offsets_store`) when it is non-nil; this keeps the
    /// number of stores proportional to progress, not to messages.
    public mutating func offsetToStore() -> Int64? {
        guard let committable = committableOffset else { return nil }
        if let last = lastHandedOut, committable <= last { return nil }
        lastHandedOut = committable
        return committable
    }

    /// Forgets everything, as after a revoke or before a new assignment of the partition.
    public mutating func reset() {
        self = OffsetLedger()
    }
}

/// The offset ledgers of every jobs partition this process owns, each under the epoch of its assignment.
///
/// The consumer's rebalance callback calls `assign` and `revoke`; intake calls `received`; whoever sees a job's fate
/// become durable calls `markDurable` with the epoch the job was received under. An operation whose epoch is not the
/// partition's current one (a late completion from an old assignment, or a partition not owned) is ignored and
/// reported as such, so stale work can never move a new owner's committed offset.
public struct PartitionOffsets: Sendable, Hashable {
    private struct Owned: Sendable, Hashable {
        var epoch: AssignmentEpoch
        var ledger: OffsetLedger
    }

    private var owned: [Int32: Owned] = [:]
    private var lastEpoch = AssignmentEpoch(rawValue: 0)

    /// No partition owned.
    public init() {}

    /// The partitions currently owned, in ascending order.
    public var partitions: [Int32] { owned.keys.sorted() }

    /// The current epoch of `partition`, or nil when it is not owned.
    public func epoch(of partition: Int32) -> AssignmentEpoch? { owned[partition]?.epoch }

    /// The committable offset of `partition` (see `OffsetLedger.committableOffset`), nil when not owned or empty.
    public func committableOffset(of partition: Int32) -> Int64? { owned[partition]?.ledger.committableOffset }

    /// Takes ownership of `partition` with a fresh ledger and a new epoch, which the caller attaches to all work
    /// started for this assignment. Assigning an owned partition again starts over with a newer epoch.
    @discardableResult
    public mutating func assign(_ partition: Int32) -> AssignmentEpoch {
        lastEpoch = lastEpoch.next
        owned[partition] = Owned(epoch: lastEpoch, ledger: OffsetLedger())
        return lastEpoch
    }

    /// Gives up `partition` and returns the final offset to store before unassigning (nil when nothing new to store).
    ///
    /// Any later operation carrying the old epoch is ignored.
    public mutating func revoke(_ partition: Int32) -> Int64? {
        guard var state = owned.removeValue(forKey: partition) else { return nil }
        return state.ledger.offsetToStore()
    }

    /// Records a received message; nil when `epoch` is not the partition's current epoch.
    @discardableResult
    public mutating func received(
        offset: Int64, partition: Int32, epoch: AssignmentEpoch
    ) -> OffsetLedger.ReceiveOutcome? {
        guard owned[partition]?.epoch == epoch else { return nil }
        return owned[partition]?.ledger.received(offset)
    }

    /// Records that a message's fate is durable; nil when `epoch` is not the partition's current epoch.
    @discardableResult
    public mutating func markDurable(
        offset: Int64, partition: Int32, epoch: AssignmentEpoch
    ) -> OffsetLedger.DurableOutcome? {
        guard owned[partition]?.epoch == epoch else { return nil }
        return owned[partition]?.ledger.markDurable(offset)
    }

    /// The offset to store for `partition` if it advanced since the last call (see `OffsetLedger.offsetToStore`).
    public mutating func offsetToStore(for partition: Int32) -> Int64? {
        owned[partition]?.ledger.offsetToStore()
    }

    /// Every owned partition's offset that advanced since the last call, keyed by partition.
    public mutating func offsetsToStore() -> [Int32: Int64] {
        var result: [Int32: Int64] = [:]
        for partition in owned.keys {
            if let offset = owned[partition]?.ledger.offsetToStore() { result[partition] = offset }
        }
        return result
    }
}

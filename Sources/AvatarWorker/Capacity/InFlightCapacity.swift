/// The fleet-wide cap on tasks in flight, split over the jobs topic's partitions without any coordination.
///
/// Kling counts parallel tasks per account, so the fleet as a whole must stay below a cap C. Each partition p of the
/// P jobs partitions owns a fixed share: `C / P`, plus one for the first `C % P` partitions. The shares add up to
/// exactly C, so however partitions are spread over workers the fleet never exceeds C. C must be at least P so every
/// partition's share is at least 1 and every partition makes progress (a share of 0 would starve a partition for
/// good); `init` rejects C < P with `CapacityError.capBelowPartitionCount`.
///
/// The jobs topic can grow (``partitionCountChanged(to:holdingNewPartitions:)``): every share is computed again over
/// the new count, so the shares of the old partitions shrink and the new partitions get theirs. A partition above
/// its new share keeps its tasks in flight and starts nothing until it is under it. Workers learn of a growth at
/// different times, so the new partitions' shares can be *held* (a limit of 0) until ``releaseHeldPartitions()``:
/// the caller releases them once every worker must have shrunk its old shares (see the README's "Growing the
/// topics" for the bound this gives). A partition assigned before this process knows the topic has it gets no
/// share at all until the count is learnt.
///
/// Within its share a partition's *limit* follows AIMD: an account-concurrency refusal (Kling 1303) halves it (never
/// below 1), every `limit` accepted creates regrow it by one slot (additive increase), up to the share. Actions
/// say when to pause a partition (in flight reached the limit) and when to resume it (below the limit again); only
/// partitions this type paused are ever resumed by it.
public struct InFlightCapacity: Sendable, Hashable {
    /// What the consumer must do to a jobs partition because of its in-flight count.
    public enum Action: Sendable, Hashable {
        /// The partition holds its full share: pause fetching from it.
        case pause(partition: Int32)
        /// The partition, paused by us, has a free slot again: resume fetching from it.
        case resume(partition: Int32)
    }

    struct PartitionState: Sendable, Hashable {
        var share: Int
        var limit: Int
        /// Accepted creates since the limit last grew; at `limit` of them it grows by one.
        var growthCredit = 0
        var inFlight = 0
        var pausedByUs = false
    }

    /// The fleet-wide cap C.
    public let fleetCap: Int
    /// The jobs topic's partition count P as this process knows it (it only grows).
    public private(set) var partitionCount: Int
    /// Partitions from this number up came with a growth and use no share until ``releaseHeldPartitions()``; nil
    /// when none is held.
    public private(set) var heldFrom: Int?

    private var owned: [Int32: PartitionState] = [:]

    /// A capacity for a fleet cap and partition count; throws when either is below 1 or the cap is below the count
    /// (a later growth past the cap is accepted, see ``plannedShare(of:)``).
    public init(fleetCap: Int, partitionCount: Int) throws(CapacityError) {
        guard fleetCap >= 1 else { throw .notPositive(name: "fleet in-flight cap", value: fleetCap) }
        guard partitionCount >= 1 else { throw .notPositive(name: "jobs partition count", value: partitionCount) }
        guard fleetCap >= partitionCount else {
            throw .capBelowPartitionCount(fleetCap: fleetCap, partitionCount: partitionCount)
        }
        self.fleetCap = fleetCap
        self.partitionCount = partitionCount
    }

    /// Partition `partition`'s share of the fleet cap now: its part of `fleetCap` over `partitionCount`, or 0 outside
    /// `0..<partitionCount` and while the partition is held after a growth.
    public func share(of partition: Int32) -> Int {
        if let heldFrom, Int(partition) >= heldFrom { return 0 }
        return plannedShare(of: partition)
    }

    /// Partition `partition`'s part of `fleetCap` over `partitionCount`, held or not (0 outside the count). With
    /// more partitions than the cap, the partitions from `fleetCap` up get 0: the cap still holds, but they starve.
    public func plannedShare(of partition: Int32) -> Int {
        guard partition >= 0, Int(partition) < partitionCount else { return 0 }
        return fleetCap / partitionCount + (Int(partition) < fleetCap % partitionCount ? 1 : 0)
    }

    /// The partition's current AIMD limit (whole slots), or nil when not owned.
    public func limit(of partition: Int32) -> Int? { owned[partition]?.limit }

    /// The partition's tasks in flight, or nil when not owned.
    public func inFlight(of partition: Int32) -> Int? { owned[partition]?.inFlight }

    /// Whether the partition is owned and may start another task now.
    public func hasFreeSlot(in partition: Int32) -> Bool {
        guard let state = owned[partition] else { return false }
        return state.inFlight < state.limit
    }

    /// Whether this type paused the partition (and so will resume it).
    public func isPausedByUs(_ partition: Int32) -> Bool { owned[partition]?.pausedByUs ?? false }

    /// Takes ownership of a partition with nothing in flight and its full share as limit. A partition beyond the
    /// known count (the topic grew and this process has not learnt it yet) or held after a growth is owned with a
    /// share of 0 until ``partitionCountChanged(to:holdingNewPartitions:)`` or ``releaseHeldPartitions()`` gives it one.
    /// - Throws: ``CapacityError/partitionOutOfRange(partition:partitionCount:)`` for a negative partition number.
    public mutating func assign(_ partition: Int32) throws(CapacityError) {
        guard partition >= 0 else { throw .partitionOutOfRange(partition: partition, partitionCount: partitionCount) }
        let share = share(of: partition)
        owned[partition] = PartitionState(share: share, limit: share)
    }

    /// The jobs topic now has `count` partitions: every owned partition's share is computed again over it.
    ///
    /// A shrunken share lowers the limit with it (tasks above it stay in flight; new ones wait until the partition
    /// is under it); a partition that had no share gets its full share as limit. With `holdingNewPartitions`, the
    /// partitions from the old count up stay at 0 until ``releaseHeldPartitions()`` (a hold already running covers
    /// its partitions too). A count not above the known one changes nothing (Kafka cannot remove partitions) and
    /// returns no actions.
    /// - Returns: the pause and resume actions, by partition.
    public mutating func partitionCountChanged(to count: Int, holdingNewPartitions: Bool) -> [Int32: [Action]] {
        guard count > partitionCount else { return [:] }
        if holdingNewPartitions { heldFrom = min(heldFrom ?? partitionCount, partitionCount) }
        partitionCount = count
        return recomputeShares()
    }

    /// Ends the hold of a growth: the new partitions get their shares.
    /// - Returns: the pause and resume actions, by partition.
    public mutating func releaseHeldPartitions() -> [Int32: [Action]] {
        guard heldFrom != nil else { return [:] }
        heldFrom = nil
        return recomputeShares()
    }

    private mutating func recomputeShares() -> [Int32: [Action]] {
        var actions: [Int32: [Action]] = [:]
        for partition in owned.keys.sorted() {
            let share = share(of: partition)
            guard owned[partition]?.share != share else { continue }
            let changed = update(partition) { state in
                // A limit AIMD had not lowered follows the share; a lowered one stays lowered, within the new share.
                state.limit = state.limit >= state.share ? share : min(state.limit, share)
                state.share = share
                state.growthCredit = 0
            }
            if !changed.isEmpty { actions[partition] = changed }
        }
        return actions
    }

    /// Gives up a partition; its counts are dropped and no resume is issued (the partition is no longer ours).
    public mutating func revoke(_ partition: Int32) {
        owned[partition] = nil
    }

    /// A task of the partition took a slot (a job entered submission, or a task was restored from the ledger).
    public mutating func taskStarted(in partition: Int32) -> [Action] {
        update(partition) { $0.inFlight += 1 }
    }

    /// A task of the partition gave its slot back (it ended, or failed before it was created).
    public mutating func taskEnded(in partition: Int32) -> [Action] {
        update(partition) { $0.inFlight = max(0, $0.inFlight - 1) }
    }

    /// The API refused a create for account concurrency (1303): halve the partition's limit, never below 1.
    public mutating func concurrencyLimitHit(in partition: Int32) -> [Action] {
        update(partition) {
            $0.limit = min($0.share, max(1, $0.limit / 2))  // a partition without a share stays at 0
            $0.growthCredit = 0
        }
    }

    /// The API accepted a create: regrow the partition's limit additively, never above its share.
    public mutating func createAccepted(in partition: Int32) -> [Action] {
        update(partition) {
            guard $0.limit < $0.share else { return }
            $0.growthCredit += 1
            if $0.growthCredit >= $0.limit {
                $0.limit += 1
                $0.growthCredit = 0
            }
        }
    }

    private mutating func update(_ partition: Int32, _ change: (inout PartitionState) -> Void) -> [Action] {
        guard var state = owned[partition] else { return [] }
        change(&state)
        var actions: [Action] = []
        let full = state.inFlight >= state.limit
        if full && !state.pausedByUs {
            state.pausedByUs = true
            actions.append(.pause(partition: partition))
        } else if !full && state.pausedByUs {
            state.pausedByUs = false
            actions.append(.resume(partition: partition))
        }
        owned[partition] = state
        return actions
    }
}

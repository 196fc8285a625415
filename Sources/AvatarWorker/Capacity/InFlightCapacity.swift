/// The fleet-wide cap on tasks in flight, split over the jobs topic's partitions without any coordination.
///
/// Kling counts parallel tasks per account, so the fleet as a whole must stay below a cap C. Each partition p of the
/// P jobs partitions owns a fixed share: `C / P`, plus one for the first `C % P` partitions. The shares add up to
/// exactly C, so however partitions are spread over workers the fleet never exceeds C. C must be at least P so every
/// partition's share is at least 1 and every partition makes progress (a share of 0 would starve a partition for
/// good); `init` rejects C < P with `CapacityError.capBelowPartitionCount`.
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
    /// The jobs topic's partition count P.
    public let partitionCount: Int

    private var owned: [Int32: PartitionState] = [:]

    /// A capacity for a fleet cap and partition count; throws when either is below 1 or the cap is below the count.
    public init(fleetCap: Int, partitionCount: Int) throws(CapacityError) {
        guard fleetCap >= 1 else { throw .notPositive(name: "fleet in-flight cap", value: fleetCap) }
        guard partitionCount >= 1 else { throw .notPositive(name: "jobs partition count", value: partitionCount) }
        guard fleetCap >= partitionCount else {
            throw .capBelowPartitionCount(fleetCap: fleetCap, partitionCount: partitionCount)
        }
        self.fleetCap = fleetCap
        self.partitionCount = partitionCount
    }

    /// Partition `partition`'s fixed share of the fleet cap (0 outside `0..<partitionCount`).
    public func share(of partition: Int32) -> Int {
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

    /// Takes ownership of a partition with nothing in flight and its full share as limit.
    public mutating func assign(_ partition: Int32) throws(CapacityError) {
        let share = share(of: partition)
        guard share > 0 else { throw .partitionOutOfRange(partition: partition, partitionCount: partitionCount) }
        owned[partition] = PartitionState(share: share, limit: share)
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
            $0.limit = max(1, $0.limit / 2)
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

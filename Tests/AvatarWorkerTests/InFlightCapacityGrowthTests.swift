import Testing
@testable import AvatarWorker

/// The shares after the jobs topic grows: computed again over the new count, the new partitions held until
/// released, tasks above a shrunken share kept.
@Suite("InFlightCapacity: growing the jobs topic")
struct InFlightCapacityGrowthTests {
    @Test(arguments: [(20, 6, 9), (12, 2, 12), (100, 3, 7), (10, 4, 5)])
    func sharesOverTheNewCountAddUpToTheCap(cap: Int, before: Int, after: Int) throws {
        var capacity = try InFlightCapacity(fleetCap: cap, partitionCount: before)
        for partition in 0..<after { try capacity.assign(Int32(partition)) }
        _ = capacity.partitionCountChanged(to: after, holdingNewPartitions: false)
        let limits = (0..<after).map { capacity.limit(of: Int32($0)) ?? -1 }
        #expect(limits.reduce(0, +) == cap)
        #expect(limits.max()! - limits.min()! <= 1)
        #expect(capacity.partitionCount == after)
    }

    @Test func aPartitionBeyondTheKnownCountHasNoShareUntilTheCountIsLearnt() throws {
        var capacity = try InFlightCapacity(fleetCap: 8, partitionCount: 2)
        try capacity.assign(3)
        #expect(capacity.limit(of: 3) == 0)
        #expect(capacity.hasFreeSlot(in: 3) == false)
        #expect(capacity.concurrencyLimitHit(in: 3) == [.pause(partition: 3)], "a 1303 gives it no slot either")
        #expect(capacity.limit(of: 3) == 0)
        #expect(capacity.partitionCountChanged(to: 4, holdingNewPartitions: false) == [3: [.resume(partition: 3)]])
        #expect(capacity.limit(of: 3) == 2)
    }

    @Test func tasksAboveAShrunkenShareStayAndNewOnesWaitUntilUnderIt() throws {
        var capacity = try InFlightCapacity(fleetCap: 8, partitionCount: 2)  // shares 4 and 4
        try capacity.assign(0)
        for _ in 0..<3 { _ = capacity.taskStarted(in: 0) }
        #expect(capacity.hasFreeSlot(in: 0))
        #expect(capacity.partitionCountChanged(to: 4, holdingNewPartitions: false) == [0: [.pause(partition: 0)]])
        #expect(capacity.limit(of: 0) == 2)
        #expect(capacity.inFlight(of: 0) == 3, "nothing in flight is dropped")
        #expect(capacity.taskEnded(in: 0) == [], "2 in flight at a share of 2: still full")
        #expect(capacity.hasFreeSlot(in: 0) == false)
        #expect(capacity.taskEnded(in: 0) == [.resume(partition: 0)])
        #expect(capacity.hasFreeSlot(in: 0))
    }

    @Test func newPartitionsAreHeldUntilReleasedWhileOldSharesShrinkAtOnce() throws {
        var capacity = try InFlightCapacity(fleetCap: 12, partitionCount: 2)
        try capacity.assign(1)
        try capacity.assign(2)
        _ = capacity.partitionCountChanged(to: 3, holdingNewPartitions: true)
        #expect(capacity.limit(of: 1) == 4, "the old partition's share shrinks at once (6 → 4)")
        #expect(capacity.limit(of: 2) == 0, "the new one waits for the release")
        #expect(capacity.share(of: 2) == 0 && capacity.plannedShare(of: 2) == 4)
        // A second growth during the hold: the hold now covers every partition added since it began.
        _ = capacity.partitionCountChanged(to: 4, holdingNewPartitions: true)
        #expect(capacity.heldFrom == 2)
        #expect(capacity.limit(of: 1) == 3 && capacity.limit(of: 2) == 0)
        try capacity.assign(3)
        #expect(capacity.limit(of: 3) == 0)
        let released = capacity.releaseHeldPartitions()
        #expect(capacity.heldFrom == nil)
        #expect(capacity.limit(of: 2) == 3 && capacity.limit(of: 3) == 3)
        #expect(released.isEmpty, "nothing was paused by the capacity, so nothing is resumed")
        #expect(capacity.releaseHeldPartitions().isEmpty)
    }

    @Test func aLimitLoweredByRefusalsStaysLoweredWithinTheNewShare() throws {
        var capacity = try InFlightCapacity(fleetCap: 8, partitionCount: 1)
        try capacity.assign(0)
        _ = capacity.concurrencyLimitHit(in: 0)  // 8 → 4
        _ = capacity.partitionCountChanged(to: 4, holdingNewPartitions: false)  // share 8 → 2
        #expect(capacity.limit(of: 0) == 2)
        var other = try InFlightCapacity(fleetCap: 8, partitionCount: 1)
        try other.assign(0)
        for _ in 0..<3 { _ = other.concurrencyLimitHit(in: 0) }  // 8 → 1
        _ = other.partitionCountChanged(to: 2, holdingNewPartitions: false)  // share 8 → 4
        #expect(other.limit(of: 0) == 1, "the lowered limit regrows by AIMD, not by the growth")
    }

    @Test func aCountNotAboveTheKnownOneChangesNothing() throws {
        var capacity = try InFlightCapacity(fleetCap: 8, partitionCount: 4)
        try capacity.assign(0)
        #expect(capacity.partitionCountChanged(to: 4, holdingNewPartitions: true).isEmpty)
        #expect(capacity.partitionCountChanged(to: 2, holdingNewPartitions: true).isEmpty)
        #expect(capacity.partitionCount == 4 && capacity.heldFrom == nil && capacity.limit(of: 0) == 2)
    }

    @Test func growingPastTheCapStarvesTheLastPartitionsButKeepsTheCap() throws {
        var capacity = try InFlightCapacity(fleetCap: 3, partitionCount: 3)
        for partition in 0..<5 { try capacity.assign(Int32(partition)) }
        _ = capacity.partitionCountChanged(to: 5, holdingNewPartitions: false)
        #expect((0..<5).map { capacity.limit(of: Int32($0)) } == [1, 1, 1, 0, 0])
    }
}

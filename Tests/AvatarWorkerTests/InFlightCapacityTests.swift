import Testing
@testable import AvatarWorker

@Suite("InFlightCapacity")
struct InFlightCapacityTests {
    @Test(arguments: [(20, 6), (7, 7), (100, 3), (13, 5), (1, 1)])
    func sharesAddUpToTheCapAndDifferByAtMostOne(cap: Int, partitions: Int) throws {
        let capacity = try InFlightCapacity(fleetCap: cap, partitionCount: partitions)
        let shares = (0..<partitions).map { capacity.share(of: Int32($0)) }
        #expect(shares.reduce(0, +) == cap)
        #expect(shares.max()! - shares.min()! <= 1)
        #expect(shares.min()! >= 1)
        #expect(capacity.share(of: Int32(partitions)) == 0)
    }

    @Test func aCapBelowThePartitionCountIsRejected() {
        #expect(throws: CapacityError.capBelowPartitionCount(fleetCap: 3, partitionCount: 4)) {
            try InFlightCapacity(fleetCap: 3, partitionCount: 4)
        }
        #expect(throws: CapacityError.notPositive(name: "fleet in-flight cap", value: 0)) {
            try InFlightCapacity(fleetCap: 0, partitionCount: 4)
        }
        #expect(CapacityError.capBelowPartitionCount(fleetCap: 3, partitionCount: 4).description.contains(">= 4"))
    }

    @Test func pausesAtTheShareAndResumesBelowIt() throws {
        var capacity = try InFlightCapacity(fleetCap: 5, partitionCount: 2)  // shares 3 and 2
        try capacity.assign(1)
        #expect(capacity.taskStarted(in: 1) == [])
        #expect(capacity.taskStarted(in: 1) == [.pause(partition: 1)])
        #expect(capacity.hasFreeSlot(in: 1) == false)
        #expect(capacity.taskStarted(in: 1) == [])  // a restored task may exceed the share; no second pause
        #expect(capacity.taskEnded(in: 1) == [])
        #expect(capacity.taskEnded(in: 1) == [.resume(partition: 1)])
        #expect(capacity.taskEnded(in: 1) == [])
        #expect(capacity.inFlight(of: 1) == 0)
    }

    @Test func onlyOwnedPartitionsAreCountedAndRevokeNeverResumes() throws {
        var capacity = try InFlightCapacity(fleetCap: 2, partitionCount: 2)
        #expect(capacity.taskStarted(in: 0) == [])
        try capacity.assign(0)
        #expect(capacity.taskStarted(in: 0) == [.pause(partition: 0)])
        capacity.revoke(0)
        #expect(capacity.taskEnded(in: 0) == [])
        #expect(capacity.isPausedByUs(0) == false)
        #expect(throws: CapacityError.partitionOutOfRange(partition: -1, partitionCount: 2)) {
            try capacity.assign(-1)
        }
    }

    @Test func concurrencyRefusalsHalveTheLimitAndSuccessesRegrowIt() throws {
        var capacity = try InFlightCapacity(fleetCap: 8, partitionCount: 1)
        try capacity.assign(0)
        for _ in 0..<3 { _ = capacity.taskStarted(in: 0) }
        #expect(capacity.concurrencyLimitHit(in: 0) == [])  // 8 → 4, 3 in flight
        #expect(capacity.limit(of: 0) == 4)
        #expect(capacity.concurrencyLimitHit(in: 0) == [.pause(partition: 0)])  // 4 → 2
        #expect(capacity.concurrencyLimitHit(in: 0) == [])  // 2 → 1, already paused
        #expect(capacity.concurrencyLimitHit(in: 0) == [])
        #expect(capacity.limit(of: 0) == 1)
        // Additive increase: `limit` accepted creates grow the limit by one.
        #expect(capacity.createAccepted(in: 0) == [])
        #expect(capacity.limit(of: 0) == 2)
        _ = capacity.createAccepted(in: 0)
        #expect(capacity.limit(of: 0) == 2)
        _ = capacity.createAccepted(in: 0)
        #expect(capacity.limit(of: 0) == 3)
        #expect(capacity.isPausedByUs(0))  // 3 in flight at a limit of 3
        #expect(capacity.createAccepted(in: 0) == [])
        #expect(capacity.createAccepted(in: 0) == [])
        #expect(capacity.createAccepted(in: 0) == [.resume(partition: 0)])
        #expect(capacity.limit(of: 0) == 4)
        #expect(capacity.taskEnded(in: 0) == [])
        for _ in 0..<100 { _ = capacity.createAccepted(in: 0) }
        #expect(capacity.limit(of: 0) == 8)
    }
}

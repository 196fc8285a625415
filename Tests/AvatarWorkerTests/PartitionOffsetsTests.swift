import Testing
@testable import AvatarWorker

@Suite("PartitionOffsets")
struct PartitionOffsetsTests {
    @Test func everyAssignmentGetsANewerEpoch() {
        var offsets = PartitionOffsets()
        let first = offsets.assign(0)
        let second = offsets.assign(1)
        let again = offsets.assign(0)
        #expect(first < second && second < again)
        #expect(offsets.epoch(of: 0) == again)
        #expect(offsets.partitions == [0, 1])
    }

    @Test func staleEpochsAreIgnored() {
        var offsets = PartitionOffsets()
        let old = offsets.assign(3)
        #expect(offsets.received(offset: 10, partition: 3, epoch: old) == .accepted)
        #expect(offsets.revoke(3) == 10)
        let current = offsets.assign(3)
        #expect(offsets.received(offset: 10, partition: 3, epoch: current) == .accepted)
        // A late completion from the old assignment must not make offset 10 durable for the new owner.
        #expect(offsets.markDurable(offset: 10, partition: 3, epoch: old) == nil)
        #expect(offsets.committableOffset(of: 3) == 10)
        #expect(offsets.markDurable(offset: 10, partition: 3, epoch: current) == .recorded)
        #expect(offsets.committableOffset(of: 3) == 11)
        #expect(offsets.received(offset: 11, partition: 4, epoch: current) == nil)
    }

    @Test func revokeReturnsTheFinalOffsetOnlyWhenItAdvanced() {
        var offsets = PartitionOffsets()
        let epoch = offsets.assign(0)
        offsets.received(offset: 0, partition: 0, epoch: epoch)
        offsets.markDurable(offset: 0, partition: 0, epoch: epoch)
        #expect(offsets.offsetsToStore() == [0: 1])
        #expect(offsets.offsetToStore(for: 0) == nil)
        #expect(offsets.revoke(0) == nil)
        #expect(offsets.revoke(0) == nil)
        #expect(offsets.epoch(of: 0) == nil)
    }
}

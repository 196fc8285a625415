import AvatarJobs
import AvatarWorker
import Testing

/// The jobs topic growing under a running core: shares of the fleet cap computed again over the new count at once,
/// the partitions the growth added held for the growth hold (70 s in these options) before they submit anything.
@Suite("Pipeline core: growing the jobs topic")
struct PipelineCoreGrowthTests {
    /// Ends the task of the poll `id` (a failed task) and acknowledges its result, which frees its slot.
    private func endTask(_ h: inout CoreHarness, poll id: UInt64) {
        h.handle(.polled(id: id, PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "x")))))
        h.ackPublications()
    }

    private func status(_ h: CoreHarness, _ partition: Int32) throws -> PipelineCore.PartitionStatus {
        try #require(h.core.partitionStatus.first { $0.partition == partition })
    }

    @Test("a shrunken share keeps the tasks above it; a new job waits until the partition is under the new share")
    func shrunkenShare() throws {
        var h = CoreHarness(fleetCap: 8, partitions: 2)  // shares 4 and 4
        h.assign(0)
        for index in 0..<4 { h.startPolling("job-\(index)", offset: Int64(index)) }
        #expect(try status(h, 0).inFlightLimit == 4)
        h.handle(.partitionCountChanged(4))
        #expect(try status(h, 0).inFlightLimit == 2, "the old partition's share shrinks at once, without a hold")
        #expect(try status(h, 0).tasksInFlight == 4, "nothing in flight is dropped")
        h.consume("job-4", offset: 4)
        #expect(h.ledgerWrites.isEmpty, "four in flight at a share of two: the new job waits")
        h.advance(.seconds(15))
        let polls = h.queries
        #expect(polls.count == 4)
        endTask(&h, poll: polls[0].id)
        endTask(&h, poll: polls[1].id)
        #expect(!h.all.contains { if case .writeLedger(_, let write) = $0 { write.jobID == "job-4" } else { false } },
                "two in flight at a share of two: still full")
        endTask(&h, poll: polls[2].id)
        let started = h.all.compactMap { command -> PipelineCore.LedgerWrite? in
            if case .writeLedger(_, let write) = command, write.jobID == "job-4" { return write }
            return nil
        }
        #expect(started.map { $0.record?.state } == [.submitting], "one in flight: the waiting job takes the free slot")
    }

    @Test("a partition assigned beyond the known count takes no job until the count is learnt and the hold passed")
    func partitionBeyondTheKnownCount() throws {
        var h = CoreHarness(fleetCap: 8, partitions: 2)
        h.assign(0)
        h.assign(2)
        #expect(h.resumes.isEmpty, "restored, but without a share the partition stays paused")
        #expect(try status(h, 2).share == 0)
        h.consume("new-0", partition: 2, offset: 0)
        #expect(h.ledgerWrites.isEmpty, "no share, no submitting record")
        h.handle(.partitionCountChanged(4))
        #expect(h.ledgerWrites.isEmpty && h.resumes.isEmpty, "the new partition is held")
        #expect(try status(h, 0).inFlightLimit == 2)
        #expect(try status(h, 2).share == 0)
        h.advance(.seconds(69))
        #expect(h.ledgerWrites.isEmpty)
        h.advance(.seconds(1))
        #expect(try status(h, 2).share == 2)
        #expect(h.resumes == [2])
        #expect(h.ledgerWrites.map { $0.write.jobID } == ["new-0"], "the job that waited starts")
        #expect(h.ledgerWrites.first?.write.partition == 2, "its record goes to ledger partition 2")
    }

    @Test("a second growth during the hold holds every added partition until its own hold passed")
    func growthDuringTheHold() throws {
        var h = CoreHarness(fleetCap: 12, partitions: 2)
        h.assign(2)
        h.handle(.partitionCountChanged(3))
        h.advance(.seconds(30))
        h.handle(.partitionCountChanged(4))
        h.assign(3)
        h.advance(.seconds(40))
        #expect(try status(h, 2).share == 0, "the first hold's timer does not release the second growth")
        #expect(h.resumes.isEmpty)
        h.advance(.seconds(30))
        #expect(try status(h, 2).share == 3 && status(h, 3).share == 3)
        #expect(h.resumes == [2, 3])
    }

    @Test("a count not above the known one changes nothing")
    func noShrinking() throws {
        var h = CoreHarness(fleetCap: 8, partitions: 4)
        h.assign(0)
        let commands = h.handle(.partitionCountChanged(2))
        #expect(try status(h, 0).inFlightLimit == 2)
        #expect(commands.contains { if case .log(let entry) = $0 { entry.level == .warning } else { false } })
        #expect(h.handle(.partitionCountChanged(4)).isEmpty, "the same count is no news")
    }
}

import AvatarJobs
import AvatarWorker
import Testing

/// The restore checkpoint: a restore starts at the group's checkpoint, and the owner moves it up from what its reads
/// show, never from its own writes.
@Suite("Pipeline core: restore checkpoint")
struct PipelineCoreCheckpointTests {
    static func options(interval: Duration = .seconds(60)) -> PipelineCore.Options {
        var options = CoreHarness.options()
        options.checkpointInterval = interval
        return options
    }

    @Test("a restore reads from the checkpoint and commits the lowest live offset it found")
    func restoreCommitsItsCheckpoint() throws {
        var h = CoreHarness(options: Self.options())
        h.handle(.assigned([PipelineCore.AssignedPartition(partition: 0, kafkaEpoch: 1)]))
        let read = try #require(h.readLedgers.first)
        #expect(read.from == nil, "a restore starts at the group's checkpoint: the driver looks it up")
        var index = TaskLedgerIndex<AvatarTaskRecord>()
        index.apply(offset: 120, jobID: "job-0", record: .submitted(h.record("job-0", offset: 0, taskID: "t-0")))
        index.apply(offset: 125, jobID: "job-1", record: .submitted(h.record("job-1", offset: 1, taskID: "t-1")))
        h.handle(.ledgerRead(id: read.id, CoreHarness.read(index, from: 100, end: 130)))
        let commit = try #require(h.checkpointCommits.first)
        #expect(commit.partition == 0 && commit.offset == 120)
        h.handle(.checkpointCommitted(id: commit.id, succeeded: true))
        #expect(h.checkpointCommits.isEmpty)
    }

    @Test("nothing is committed while the fold's checkpoint is not above the group's")
    func noCommitWithoutProgress() throws {
        var h = CoreHarness(options: Self.options())
        h.handle(.assigned([PipelineCore.AssignedPartition(partition: 0, kafkaEpoch: 1)]))
        let read = try #require(h.readLedgers.first)
        var index = TaskLedgerIndex<AvatarTaskRecord>()
        index.apply(offset: 100, jobID: "job-0", record: .submitted(h.record("job-0", offset: 0, taskID: "t-0")))
        h.handle(.ledgerRead(id: read.id, CoreHarness.read(index, from: 100, end: 101)))
        let refresh = try #require(h.checkpointCommits.first, "a restore commits what it read once, to refresh it")
        #expect(refresh.offset == 100, "the restore started at 100 and 100 is live")
        h.handle(.checkpointCommitted(id: refresh.id, succeeded: true))
        h.advance(.seconds(60))
        let scan = try #require(h.scans.first)
        #expect(scan.from == 101)
        h.handle(.ledgerScanned(id: scan.id, .scanned([LedgerMark(offset: 101, jobID: "job-9", state: .submitting)], end: 102)))
        #expect(h.checkpointCommits.isEmpty, "job-0 still holds it at 100")
    }

    @Test("scans move it: records other processes wrote count, a failed commit is tried after the next scan")
    func scansMoveIt() throws {
        var h = CoreHarness(options: Self.options(interval: .seconds(10)))
        h.assign(0, records: [("job-0", h.record("job-0", offset: 0, taskID: "t-0"))])
        #expect(h.checkpointCommits.isEmpty, "the restore read from 0 and 0 is live")
        h.advance(.seconds(9))
        #expect(h.scans.isEmpty)
        h.advance(.seconds(1))
        let scan = try #require(h.scans.first)
        #expect(scan.partition == 0 && scan.from == 1)
        // job-0 ended (its tombstone at 3); a prior owner's late record for job-7 landed at 2.
        h.handle(.ledgerScanned(id: scan.id, .scanned([
            LedgerMark(offset: 1, jobID: "job-5", state: .submitting),
            LedgerMark(offset: 2, jobID: "job-7", state: .submitted),
            LedgerMark(offset: 3, jobID: "job-0", state: nil),
            LedgerMark(offset: 4, jobID: "job-5", state: nil),
        ], end: 6)))
        let commit = try #require(h.checkpointCommits.first)
        #expect(commit.offset == 2, "job-7's record is live: the checkpoint stops there")
        h.handle(.checkpointCommitted(id: commit.id, succeeded: false))
        h.advance(.seconds(10))
        let next = try #require(h.scans.first)
        #expect(next.from == 6)
        h.handle(.ledgerScanned(id: next.id, .scanned([], end: 6)))
        #expect(h.checkpointCommits.map(\.offset) == [2], "the failed commit is sent again")
        h.handle(.checkpointCommitted(id: try #require(h.checkpointCommits.first).id, succeeded: true))
        h.advance(.seconds(10))
        let third = try #require(h.scans.first)
        h.handle(.ledgerScanned(id: third.id, .scanned([LedgerMark(offset: 6, jobID: "job-7", state: nil)], end: 7)))
        #expect(h.checkpointCommits.map(\.offset) == [7], "nothing live: up to where reading continues")
    }

    @Test("a failed scan is tried again at the same offset; a scan of a revoked partition is ignored")
    func failedAndStaleScans() throws {
        var h = CoreHarness(options: Self.options(interval: .seconds(5)))
        h.assign(0, records: [("job-0", h.record("job-0", offset: 0, taskID: "t-0"))])
        h.advance(.seconds(5))
        let scan = try #require(h.scans.first)
        h.handle(.ledgerScanned(id: scan.id, .failed(reason: "broker away")))
        #expect(h.checkpointCommits.isEmpty)
        h.advance(.seconds(5))
        let again = try #require(h.scans.first)
        #expect(again.from == scan.from)
        h.handle(.revoking([0], lost: true))
        h.handle(.ledgerScanned(id: again.id, .scanned([LedgerMark(offset: 1, jobID: "job-0", state: nil)], end: 2)))
        #expect(h.checkpointCommits.isEmpty, "the partition is someone else's now")
        h.advance(.seconds(5))
        #expect(h.scans.isEmpty, "no scans for a partition not owned")
    }

    @Test("the planted checkpoint-past-submitting bug passes a submitting record a scan found (the simulation must catch it)")
    func plantedBugDiffers() throws {
        var options = Self.options(interval: .seconds(5))
        options.plantedBug = .checkpointPastSubmitting
        var h = CoreHarness(options: options)
        h.assign(0)
        h.advance(.seconds(5))
        let scan = try #require(h.scans.first)
        h.handle(.ledgerScanned(id: scan.id, .scanned([LedgerMark(offset: 0, jobID: "job-0", state: .submitting)], end: 1)))
        #expect(h.checkpointCommits.map(\.offset) == [1])
    }

    @Test("offsets that went back (a topic made again) make the fold start at 0 and the next commit overwrite the checkpoint")
    func offsetsWentBack() throws {
        var h = CoreHarness(options: Self.options(interval: .seconds(5)))
        h.handle(.assigned([PipelineCore.AssignedPartition(partition: 0, kafkaEpoch: 1)]))
        let read = try #require(h.readLedgers.first)
        h.handle(.ledgerRead(id: read.id, CoreHarness.read(TaskLedgerIndex(), from: 500, end: 500)))
        #expect(h.checkpointCommits.map(\.offset) == [500], "the restore refreshes the checkpoint it read")
        h.handle(.checkpointCommitted(id: h.checkpointCommits[0].id, succeeded: true))
        h.advance(.seconds(5))
        let scan = try #require(h.scans.first)
        #expect(scan.from == 500)
        // The reader found the partition shorter than 500 and read it from its start.
        h.handle(.ledgerScanned(id: scan.id, .scanned([LedgerMark(offset: 0, jobID: "job-1", state: .submitted)], end: 1)))
        let reset = try #require(h.checkpointCommits.first, "what this scan read is not trusted: back to the beginning")
        #expect(reset.offset == 0, "lower than the group's 500: it overwrites it")
        h.handle(.checkpointCommitted(id: reset.id, succeeded: true))
        h.advance(.seconds(5))
        let rescan = try #require(h.scans.first)
        #expect(rescan.from == 0)
        h.handle(.ledgerScanned(id: rescan.id, .scanned([LedgerMark(offset: 0, jobID: "job-1", state: .submitted)], end: 1)))
        #expect(h.checkpointCommits.isEmpty, "job-1 at 0 is live: the checkpoint stays at 0")
    }

    @Test("an unchanged checkpoint is committed again every hour, so the group never expires it")
    func refreshedHourly() throws {
        var h = CoreHarness(options: Self.options(interval: .seconds(600)))
        h.handle(.assigned([PipelineCore.AssignedPartition(partition: 0, kafkaEpoch: 1)]))
        let read = try #require(h.readLedgers.first)
        var index = TaskLedgerIndex<AvatarTaskRecord>()
        index.apply(offset: 40, jobID: "job-0", record: .submitted(h.record("job-0", offset: 0, taskID: "t-0")))
        h.handle(.ledgerRead(id: read.id, CoreHarness.read(index, from: 40, end: 41)))
        h.handle(.checkpointCommitted(id: try #require(h.checkpointCommits.first).id, succeeded: true))
        var commits: [Int64] = []
        for _ in 0..<12 {
            h.advance(.seconds(600))
            if let scan = h.scans.first { h.handle(.ledgerScanned(id: scan.id, .scanned([], end: 41))) }
            if let commit = h.checkpointCommits.first {
                commits.append(commit.offset)
                h.handle(.checkpointCommitted(id: commit.id, succeeded: true))
            }
        }
        #expect(commits == [40, 40], "two hours: committed again after each hour, never in between")
    }
}

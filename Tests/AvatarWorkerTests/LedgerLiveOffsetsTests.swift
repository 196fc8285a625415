import AvatarJobs
import AvatarWorker
import TestSupport
import Testing

/// The fold the restore checkpoint is computed from: whatever contiguous reads feed it, its checkpoint is the lowest
/// live offset of the whole log, never above a live record.
@Suite("Ledger live offsets (restore checkpoint)")
struct LedgerLiveOffsetsTests {
    /// A random ledger history over a few keys: each record a tombstone or one of the live states.
    static func history(seed: UInt64, length: Int) -> [LedgerMark] {
        var random = SeededRandom(seed: seed)
        let states: [TaskLedgerState?] = [.submitting, .submitted, .published, nil, nil]
        return (0..<length).map { offset in
            LedgerMark(
                offset: Int64(offset), jobID: "job-\(random.next() % 12)", state: states[Int(random.next() % 5)])
        }
    }

    /// The truth: for every key its latest record; the lowest one that is not a tombstone, or the end.
    static func lowestLive(_ marks: [LedgerMark], end: Int64) -> Int64 {
        var latest: [String: LedgerMark] = [:]
        for mark in marks { latest[mark.jobID] = mark }
        return latest.values.filter { $0.state != nil }.map(\.offset).min() ?? end
    }

    @Test("a scan's undecoded marks (every value live) fold to the same checkpoint as the decoded states")
    func undecodedMarks() {
        for seed: UInt64 in 1...200 {
            let marks = Self.history(seed: seed, length: 60)
            var decoded = LedgerLiveOffsets(startingAt: 0)
            var undecoded = LedgerLiveOffsets(startingAt: 0)
            for mark in marks {
                decoded.apply(mark)
                undecoded.apply(mark.state == nil
                    ? LedgerMark(offset: mark.offset, jobID: mark.jobID, state: nil)
                    : LedgerMark.live(offset: mark.offset, jobID: mark.jobID))
            }
            #expect(undecoded.checkpoint == decoded.checkpoint, "seed \(seed)")
            #expect(undecoded.checkpoint == Self.lowestLive(marks, end: 60), "seed \(seed)")
            #expect(undecoded.liveCount == decoded.liveCount)
        }
    }

    @Test("scans in any chunks give the checkpoint of the whole log, also when offsets are missing (markers, compaction)")
    func chunkedScans() {
        for seed: UInt64 in 1...200 {
            var random = SeededRandom(seed: seed &* 7919)
            // Drop some offsets, as transaction markers and compaction leave gaps.
            let marks = Self.history(seed: seed, length: 60).filter { _ in random.next() % 5 != 0 }
            var fold = LedgerLiveOffsets(startingAt: 0)
            var position = 0
            while position < marks.count {
                let chunk = Int(random.next() % 9)
                let upTo = min(marks.count, position + chunk)
                for mark in marks[position..<upTo] { fold.apply(mark) }
                let end = upTo < marks.count ? marks[upTo].offset : 60
                fold.advance(to: end)
                #expect(fold.checkpoint == Self.lowestLive(Array(marks[..<upTo]), end: end), "seed \(seed) at \(upTo)")
                position = upTo
            }
            #expect(fold.checkpoint == Self.lowestLive(marks, end: 60), "seed \(seed)")
        }
    }

    @Test("a fold that starts at an earlier checkpoint agrees with one from the beginning")
    func fromACheckpoint() {
        for seed: UInt64 in 1...200 {
            let marks = Self.history(seed: seed, length: 80)
            let cut = marks.count / 2
            let first = Self.lowestLive(Array(marks[..<cut]), end: Int64(cut))
            var fromCheckpoint = LedgerLiveOffsets(startingAt: first)
            for mark in marks[Int(first)...] { fromCheckpoint.apply(mark) }
            fromCheckpoint.advance(to: 80)
            #expect(fromCheckpoint.checkpoint == Self.lowestLive(marks, end: 80), "seed \(seed)")
            #expect(fromCheckpoint.checkpoint >= first, "a checkpoint never moves back")
        }
    }

    @Test("the restore's index becomes the fold: its live entries, everything up to the read's end known dead")
    func fromARestore() {
        var index = TaskLedgerIndex<String>()
        index.apply(offset: 10, jobID: "a", record: .submitting("a"))
        index.apply(offset: 11, jobID: "b", record: .submitted("b"))
        index.apply(offset: 12, jobID: "a", record: .tombstone)
        var fold = LedgerLiveOffsets(restored: index, from: 10, end: 15)
        #expect(fold.checkpoint == 11 && fold.next == 15 && fold.liveCount == 1)
        fold.apply(LedgerMark(offset: 15, jobID: "b", state: nil))
        #expect(fold.checkpoint == 16, "nothing live: the checkpoint is where reading continues")
        fold.apply(LedgerMark(offset: 3, jobID: "c", state: .submitting))
        #expect(fold.checkpoint == 16, "a record below what was read is ignored")
        #expect(LedgerLiveOffsets(restored: TaskLedgerIndex<String>(), from: 7, end: 7).checkpoint == 7)
    }

    @Test("an unreadable record holds the checkpoint until its key has a later record")
    func unreadableCountsAsLive() {
        var fold = LedgerLiveOffsets(startingAt: 0)
        fold.apply(.unreadable(offset: 0, jobID: "job-0"))
        fold.apply(LedgerMark(offset: 1, jobID: "job-1", state: nil))
        fold.advance(to: 2)
        #expect(fold.checkpoint == 0)
        fold.apply(LedgerMark(offset: 2, jobID: "job-0", state: nil))
        #expect(fold.checkpoint == 3)
    }
}

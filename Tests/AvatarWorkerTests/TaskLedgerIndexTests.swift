import Testing
import TestSupport
@testable import AvatarWorker

@Suite("TaskLedgerIndex")
struct TaskLedgerIndexTests {
    typealias Index = TaskLedgerIndex<String>

    @Test func foldsRecordsIntoTheLiveSet() {
        var index = Index()
        #expect(index.restoreCheckpoint == nil)
        #expect(index.apply(offset: 0, jobID: "a", record: .submitting("a0")) == .added)
        #expect(index.apply(offset: 1, jobID: "b", record: .submitting("b1")) == .added)
        #expect(index.apply(offset: 2, jobID: "a", record: .submitted("a2")) == .replaced)
        #expect(index.apply(offset: 4, jobID: "c", record: .submitted("c4")) == .added)
        #expect(index.apply(offset: 5, jobID: "b", record: .tombstone) == .removed)
        #expect(index.apply(offset: 6, jobID: "zz", record: .tombstone) == .ignoredTombstone)
        #expect(index.apply(offset: 6, jobID: "d", record: .submitting("d")) == .ignoredOffset)
        #expect(index.count == 2)
        #expect(index["a"]?.state == .submitted && index["a"]?.payload == "a2")
        #expect(index["b"] == nil)
        #expect(index.liveEntries.map(\.jobID) == ["a", "c"])
        #expect(index.restoreCheckpoint == 2)
        #expect(index.nextOffset == 7)
        index.apply(offset: 7, jobID: "a", record: .tombstone)
        index.apply(offset: 9, jobID: "c", record: .tombstone)
        #expect(index.restoreCheckpoint == 10)
        index.reset()
        #expect(index.count == 0 && index.nextOffset == nil)
    }

    @Test(arguments: 0..<20)
    func checkpointIsTheLowestLiveOffsetUnderRandomLogs(seed: Int) {
        var random = SeededRandom(seed: UInt64(seed))
        var index = Index()
        var latest: [String: (offset: Int64, live: Bool)] = [:]
        var offset: Int64 = 0
        for _ in 0..<300 {
            offset += Int64.random(in: 1...2, using: &random)
            let job = "job-\(Int.random(in: 0..<25, using: &random))"
            let record: TaskLedgerRecord<String> = switch Int.random(in: 0..<3, using: &random) {
            case 0: .submitting(job)
            case 1: .submitted(job)
            default: .tombstone
            }
            index.apply(offset: offset, jobID: job, record: record)
            latest[job] = (offset, record != .tombstone)
            let live = latest.filter { $0.value.live }
            #expect(index.count == live.count)
            #expect(index.restoreCheckpoint == (live.values.map(\.offset).min() ?? offset + 1))
        }
    }
}

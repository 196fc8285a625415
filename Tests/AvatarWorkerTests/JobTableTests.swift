@testable import AvatarWorker
import AvatarJobs
import Foundation
import Testing

/// The core's job table: a dictionary's behaviour and value semantics, with each job boxed.
@Suite("Job table")
struct JobTableTests {
    static func job(_ jobID: String, partition: Int32 = 0) -> PipelineJob {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let validated = CoreHarness.job(jobID)
        let record = AvatarTaskRecord(
            submitting: validated, attempt: 1, partition: Int(partition), offset: 0, now: now,
            submitDeadline: now.addingTimeInterval(900), traceparent: nil, worker: AvatarResultEvent.WorkerInfo(id: "w"))
        let (lifecycle, _) = JobLifecycle.restored(
            jobID: jobID, externalTaskID: record.externalTaskID, from: .submitted(taskID: "t-\(jobID)"),
            options: JobLifecycle.Options(ambiguousSubmission: .fail, publishesResultWithTombstone: false))
        return PipelineJob(
            lifecycle: lifecycle, partition: partition, epoch: AssignmentEpoch(rawValue: 1), record: record, job: validated)
    }

    @Test("insert, read, write in place, remove; count, keys and values follow")
    func dictionary() {
        var table = JobTable()
        #expect(table.isEmpty)
        table["a"] = Self.job("a")
        table["b"] = Self.job("b", partition: 1)
        #expect(table.count == 2)
        #expect(Set(table.keys) == ["a", "b"])
        table["a"]?.polls = 3
        #expect(table["a"]?.polls == 3)
        var copy = table["b"]!
        copy.polls = 9
        #expect(table["b"]?.polls == 0, "a read is a copy")
        table["b"] = copy
        #expect(table["b"]?.polls == 9)
        #expect(table.values.map(\.polls).sorted() == [3, 9])
        table["a"] = nil
        #expect(table["a"] == nil && table.count == 1)
    }

    @Test("a copied table never sees the other copy's writes, either way")
    func valueSemantics() {
        var original = JobTable()
        original["a"] = Self.job("a")
        original["b"] = Self.job("b")
        var copy = original
        copy["a"]?.polls = 5
        #expect(original["a"]?.polls == 0)
        #expect(copy["a"]?.polls == 5)
        original["b"]?.writeFailures = 2
        #expect(copy["b"]?.writeFailures == 0)
        original["c"] = Self.job("c")
        copy["b"] = nil
        #expect(original.count == 3 && copy.count == 1)
        #expect(original["b"]?.writeFailures == 2)
        // A second write to the copy's own box goes in place and still leaves the original alone.
        copy["a"]?.polls = 6
        #expect(copy["a"]?.polls == 6 && original["a"]?.polls == 0)
    }

    @Test("a tracked job is small inline: the payload, a deferred write and an outcome are boxed")
    func layout() {
        // Inline, these took 296, 264 and 104 bytes of every tracked job (1,272 in all); what is left is the ledger
        // record (248), the lifecycle and the bookkeeping.
        #expect(MemoryLayout<ValidatedJob?>.stride > 200)
        #expect(MemoryLayout<PipelineJob.Deferred?>.stride <= 16)
        #expect(MemoryLayout<JobLifecycle.Outcome?>.stride <= 16)
        #expect(MemoryLayout<PipelineJob>.stride < 800, "\(MemoryLayout<PipelineJob>.stride) bytes")
        var job = Self.job("a")
        #expect(job.job?.job.jobID == "a")
        job.job = nil
        #expect(job.job == nil)
    }
}

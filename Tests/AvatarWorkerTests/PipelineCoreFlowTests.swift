import AvatarJobs
import AvatarWorker
import Testing

/// One job's way through the core, and the order of its durable writes.
@Suite("Pipeline core: the flow of a job")
struct PipelineCoreFlowTests {
    @Test("submitting is acked before the create; the offset is stored once submitted is acked; tombstone after the commit")
    func validJob() throws {
        var h = CoreHarness()
        h.assign(0)
        #expect(h.resumes == [0], "restored, the partition takes jobs")
        h.consume("job-1", offset: 0)
        let submitting = try #require(h.ledgerWrites.first)
        #expect(submitting.write.record?.state == .submitting)
        #expect(h.creates.isEmpty, "no create before the submitting record is acked")
        h.ackWrites()
        #expect(h.creates.count == 1)
        #expect(h.storedOffsets.isEmpty, "a create in flight is not a durable fate")
        h.createTasks()
        #expect(h.ledgerWrites.first?.write.record?.state == .submitted)
        #expect(h.ledgerWrites.first?.write.record?.taskID == "task-job-1")
        h.ackWrites()
        #expect(h.storedOffsets == [1])
        h.advance(.seconds(15))
        let poll = try #require(h.queries.first)
        h.handle(.polled(id: poll.id, PipelineCore.PollAnswer(report: .succeeded(PollSuccess(
            videos: [AvatarResultEvent.Video(id: "v", url: "https://cdn.example/v.mp4")])))))
        #expect(h.results.map(\.type) == [.succeeded])
        h.ackPublications()
        #expect(h.ledgerWrites.isEmpty, "the tombstone waits for the commit")
        h.commitRound()
        #expect(h.ledgerWrites.map { $0.write.record == nil } == [true], "the commit covers the job: its tombstone follows")
    }

    @Test("a tombstone covered by a commit already is written at once")
    func coveredTombstone() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-1", offset: 0)
        h.commitRound()
        #expect(h.all.contains { if case .commit(_, let offsets) = $0 { offsets == [0: 1] } else { false } })
        h.advance(.seconds(15))
        let poll = try #require(h.queries.first)
        h.handle(.polled(id: poll.id, PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "x")))))
        h.ackPublications()
        #expect(h.ledgerWrites.map { $0.write.record == nil } == [true], "no further commit is needed")
    }

    @Test("an invalid job's rejection and an unreadable message's dead letter make their offsets durable once acked")
    func rejectionsAndDeadLetters() throws {
        var h = CoreHarness()
        h.assign(0)
        let failure = JobValidationFailure(jobID: "bad-1", errors: [
            JobValidationError(code: .init(rawValue: "image.too_small"), field: "$.image", message: "too small"),
        ])
        h.consume(.invalid(failure), offset: 0)
        #expect(h.results.map(\.error?.code) == ["image.too_small"])
        #expect(h.storedOffsets.isEmpty)
        h.ackPublications()
        #expect(h.storedOffsets == [1])
        h.consume(.unreadable(code: "job.not_json", reason: "not JSON", jobID: nil), offset: 1)
        let records = try #require(h.publications.first?.records)
        #expect(records.count == 1)
        guard case .deadLetter(let letter) = records[0] else { Issue.record("expected a dead letter"); return }
        #expect(letter.code == "job.not_json" && letter.offset == 1)
        h.ackPublications()
        #expect(h.storedOffsets == [2])
    }

    @Test("a later job's fate does not move the offset past an earlier job still submitting")
    func outOfOrder() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("slow", offset: 0)
        h.ackWrites()
        let slowCreate = try #require(h.creates.first)
        h.consume("fast", offset: 1)
        h.ackWrites()
        h.createTasks()
        h.ackWrites()
        #expect(h.storedOffsets.isEmpty, "offset 0 is not durable yet")
        h.handle(.createAnswered(id: slowCreate.id, .created(taskID: "task-slow")))
        h.ackWrites()
        #expect(h.storedOffsets == [2])
    }

    @Test("a finished job's tombstone waits for the commit that covers it, behind an earlier job still creating")
    func tombstoneBehindAnEarlierJob() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("slow", offset: 0)
        h.ackWrites()
        let slowCreate = try #require(h.creates.first)
        h.startPolling("fast", offset: 1)
        h.advance(.seconds(15))
        let poll = try #require(h.queries.first)
        h.handle(.polled(id: poll.id, PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "x")))))
        h.ackPublications()
        h.commitRound()
        #expect(h.ledgerWrites.isEmpty, "offset 0 still creating: nothing committed covers offset 1")
        h.handle(.createAnswered(id: slowCreate.id, .created(taskID: "task-slow")))
        h.ackWrites()
        h.commitRound()
        #expect(h.ledgerWrites.map(\.write.jobID) == ["fast"], "now covered, the tombstone is written")
        #expect(h.ledgerWrites.first?.write.record == nil)
    }

    @Test("a redelivered copy of a job in flight starts nothing and shares its fate")
    func redelivery() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-1", offset: 0)
        h.consume("job-1", offset: 3)
        #expect(h.ledgerWrites.isEmpty && h.creates.isEmpty)
        #expect(h.allCreates == 1)
    }
}

import AvatarJobs
import AvatarWorker
import Testing

/// Revocations, losses and shutdown: what a partition's owner leaves its next owner.
@Suite("Pipeline core: hand-over")
struct PipelineCoreHandoverTests {
    @Test("a revocation waits for a create in flight, records its task, commits, then lets the partition go")
    func createInFlight() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites()
        let create = try #require(h.creates.first)
        h.handle(.revoking([0], lost: false))
        #expect(h.finishedRevocations.isEmpty, "a create is in flight")
        h.handle(.createAnswered(id: create.id, .created(taskID: "t-0")))
        #expect(h.ledgerWrites.first?.write.record?.state == .submitted)
        h.ackWrites()
        #expect(h.storedOffsets == [1])
        let commit = try #require(h.commits.first)
        #expect(commit.offsets == [0: 1])
        h.handle(.committed(id: commit.id, succeeded: true))
        #expect(h.finishedRevocations == [0])
    }

    @Test("a revocation withdraws the records of jobs no create left for: a retry due, a job held by the gate, a queued create")
    func withdrawsUnsent() throws {
        var h = CoreHarness(options: CoreHarness.options(maxConcurrentCreates: 1), fleetCap: 8, partitions: 1)
        h.assign(0)
        h.consume("retry", offset: 0)
        h.ackWrites()
        h.handle(.createAnswered(id: h.creates[0].id, .failed(.transient(retryAfter: .seconds(30)), api: nil)))
        h.consume("sent", offset: 1)
        h.ackWrites()
        let sent = try #require(h.creates.first)
        h.consume("queued", offset: 2)
        h.ackWrites()
        #expect(h.creates.isEmpty, "one create slot, taken")
        h.handle(.revoking([0], lost: false))
        h.handle(.createAnswered(id: sent.id, .created(taskID: "t-sent")))
        h.ackWrites()
        #expect(h.commits.isEmpty, "nothing new is durable below the unsent jobs")
        let withdrawals = h.ledgerWrites
        #expect(Set(withdrawals.map(\.write.jobID)) == ["retry", "queued"])
        #expect(withdrawals.allSatisfy { $0.write.record == nil })
        #expect(h.finishedRevocations.isEmpty, "the withdrawals are not acked yet")
        h.ackWrites()
        #expect(h.finishedRevocations == [0])
        #expect(h.allCreates == 2, "the queued create was never sent")
    }

    @Test("a finished job no commit covers yet gets a published record; one covered gets its tombstone")
    func finishedJobs() throws {
        var h = CoreHarness(fleetCap: 8, partitions: 1)
        h.assign(0)
        h.consume("slow", offset: 0)
        h.ackWrites()
        h.handle(.createAnswered(id: h.creates[0].id, .failed(.transient(retryAfter: .seconds(30)), api: nil)))
        h.startPolling("done", offset: 1)
        h.advance(.seconds(15))
        h.handle(.polled(id: h.queries[0].id, PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "x")))))
        h.ackPublications()
        h.handle(.revoking([0], lost: false))
        let writes = Dictionary(uniqueKeysWithValues: h.ledgerWrites.map { ($0.write.jobID, $0.write.record) })
        #expect(writes["done"]??.state == .published, "offset 0 is not durable: the commit cannot cover offset 1")
        #expect(writes["slow"] == .some(nil), "withdrawn")
    }

    @Test("a rejection no commit covers yet gets a marker record keyed rejected/<partition>/<offset>")
    func rejectionMarkers() throws {
        var h = CoreHarness(fleetCap: 8, partitions: 1)
        h.assign(0)
        h.consume("slow", offset: 0)
        h.ackWrites()
        h.handle(.createAnswered(id: h.creates[0].id, .failed(.transient(retryAfter: .seconds(30)), api: nil)))
        h.consume(.unreadable(code: "job.not_json", reason: "x", jobID: "junk"), offset: 1)
        h.ackPublications()
        h.handle(.revoking([0], lost: false))
        let marker = try #require(h.ledgerWrites.first { $0.write.jobID == "rejected/0/1" })
        #expect(marker.write.record?.state == .published)
        #expect(marker.write.record?.attempt == 0)
    }

    @Test("a failed final commit is tried again before the partition goes")
    func commitRetried() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-0", offset: 0)
        h.handle(.revoking([0], lost: false))
        let first = try #require(h.commits.first)
        h.handle(.committed(id: first.id, succeeded: false))
        #expect(h.finishedRevocations.isEmpty)
        let second = try #require(h.commits.first)
        h.handle(.committed(id: second.id, succeeded: true))
        #expect(h.finishedRevocations == [0])
    }

    @Test("the hand-over deadline lets the partition go; a task created afterwards is still recorded for the next owner")
    func deadline() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites()
        let create = try #require(h.creates.first)
        h.handle(.revoking([0], lost: false))
        h.advance(.seconds(30))
        #expect(h.finishedRevocations == [0])
        h.handle(.createAnswered(id: create.id, .created(taskID: "t-late")))
        #expect(h.ledgerWrites.first?.write.record?.taskID == "t-late")
    }

    @Test("a lost partition is let go at once; a create answered later writes what it proves, within the grace")
    func lost() throws {
        var h = CoreHarness(fleetCap: 8, partitions: 1)
        h.assign(0)
        h.consume("created", offset: 0)
        h.ackWrites()
        let created = try #require(h.creates.first)
        h.consume("refused", offset: 1)
        h.ackWrites()
        let refused = try #require(h.creates.first)
        h.consume("late", offset: 2)
        h.ackWrites()
        let late = try #require(h.creates.first)
        h.handle(.revoking([0], lost: true))
        #expect(h.finishedRevocations == [0])
        h.handle(.createAnswered(id: created.id, .created(taskID: "t-created")))
        #expect(h.ledgerWrites.first?.write.record?.taskID == "t-created")
        h.handle(.createAnswered(id: refused.id, .failed(.transient(retryAfter: nil), api: nil)))
        #expect(h.ledgerWrites.map(\.write.jobID) == ["refused"])
        #expect(h.ledgerWrites.first?.write.record == nil, "no task: withdrawn")
        h.advance(.seconds(60))
        h.handle(.createAnswered(id: late.id, .created(taskID: "t-late")))
        #expect(h.ledgerWrites.isEmpty, "too late: the next owner has judged the job")
    }

    @Test("shutdown hands every partition over, then says drained; a partition assigned meanwhile is left alone")
    func shutdown() throws {
        var h = CoreHarness()
        h.assign(0)
        h.startPolling("job-0", offset: 0)
        h.handle(.shutdown)
        #expect(!h.core.isReady)
        let commit = try #require(h.commits.first)
        h.handle(.assigned([PipelineCore.AssignedPartition(partition: 1, kafkaEpoch: 2)]))
        #expect(h.readLedgers.isEmpty, "draining: nothing is restored")
        h.handle(.committed(id: commit.id, succeeded: true))
        #expect(h.drained)
        h.handle(.revoking([0, 1], lost: false))
        #expect(h.finishedRevocations == [0, 1], "the consumer's last revocation finds both handed over")
    }
}

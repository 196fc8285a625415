import AvatarJobs
import AvatarWorker
import Testing

/// Restores: what a new owner makes of the ledger it reads on assignment.
@Suite("Pipeline core: restore on assignment")
struct PipelineCoreRestoreTests {
    @Test("the partition stays paused until its ledger is read; a submitted record is polled at once, never created again")
    func submittedRecord() throws {
        var h = CoreHarness()
        h.handle(.assigned([PipelineCore.AssignedPartition(partition: 0, kafkaEpoch: 1)]))
        #expect(h.pauses == [0])
        let read = try #require(h.readLedgers.first)
        #expect(read.from == nil)
        let record = h.record("job-0", offset: 0, taskID: "t-0")
        h.handle(.ledgerRead(id: read.id, CoreHarness.read(CoreHarness.index([("job-0", record)]), from: 0, end: 1)))
        #expect(h.resumes == [0])
        #expect(h.queries.map(\.taskID) == ["t-0"], "submitted long enough ago: due now")
        h.consume("job-0", offset: 0)
        #expect(h.creates.isEmpty && h.ledgerWrites.isEmpty)
        #expect(h.storedOffsets == [1], "the redelivered job's fate was durable already")
    }

    @Test("another owner's submitting record waits out its grace, then the ledger is read again and decides")
    func priorOwnerGrace() throws {
        for (later, expectCode, expectCreate) in [
            (nil as AvatarTaskRecord??, TaskFailure.submissionAmbiguousCode as String?, false),
            (.some(.some(CoreHarness().record("job-0", offset: 0, taskID: "t-late"))), nil, false),
            (.some(nil), nil, true),
        ] {
            var h = CoreHarness()
            let submitting = h.record("job-0", offset: 0)
            h.assign(0, records: [("job-0", submitting)])
            h.consume("job-0", offset: 0)
            #expect(h.creates.isEmpty && h.results.isEmpty, "nothing is judged before the grace")
            h.advance(.seconds(39))
            #expect(h.readLedgers.isEmpty)
            h.advance(.seconds(1))
            let reread = try #require(h.readLedgers.first)
            #expect(reread.from == 0, "from the waiting record's offset")
            var records: [(String, AvatarTaskRecord?)] = [("job-0", submitting)]
            if let later { records.append(("job-0", later)) }
            h.handle(.ledgerRead(id: reread.id, CoreHarness.read(CoreHarness.index(records), from: 0, end: Int64(records.count))))
            #expect(h.results.first?.error?.code == expectCode)
            if case .some(.some(let adopted)) = later {
                #expect(h.queries.map(\.taskID) == [adopted.taskID!], "adopted and polled")
            }
            if expectCreate {
                #expect(h.ledgerWrites.first?.write.record?.state == .submitting, "withdrawn by its owner: a new job")
                h.ackWrites()
                #expect(h.creates.count == 1)
            } else {
                #expect(h.allCreates == 0)
            }
        }
    }

    @Test("a published record is neither polled nor published again; its tombstone follows the covering commit")
    func publishedRecord() throws {
        var h = CoreHarness()
        let published = h.record("job-0", offset: 0, taskID: "t-0").published()
        h.assign(0, records: [("job-0", published)], committed: nil)
        #expect(h.queries.isEmpty && h.results.isEmpty)
        h.consume("job-0", offset: 0)
        #expect(h.storedOffsets == [1])
        h.commitRound()
        #expect(h.ledgerWrites.map(\.write.jobID) == ["job-0"])
        #expect(h.ledgerWrites.first?.write.record == nil)
        #expect(h.allResults.isEmpty)
    }

    @Test("a rejection marker answers its redelivered message without publishing; it is tombstoned once covered")
    func rejectionMarker() throws {
        var h = CoreHarness()
        let marker = AvatarTaskRecord(
            rejectionMarker: "rejected/0/0", externalTaskID: "aw-rejected00-x-a0", partition: 0, offset: 0,
            now: h.now.date, worker: AvatarResultEvent.WorkerInfo(id: "previous-owner"))
        h.assign(0, records: [("rejected/0/0", marker)])
        let failure = JobValidationFailure(jobID: "bad-1", errors: [
            JobValidationError(code: .init(rawValue: "image.too_small"), field: "$.image", message: "too small"),
        ])
        h.consume(.invalid(failure), offset: 0)
        #expect(h.results.isEmpty, "its previous owner published the rejection")
        #expect(h.storedOffsets == [1])
        h.commitRound()
        #expect(h.ledgerWrites.map(\.write.jobID) == ["rejected/0/0"])
    }

    @Test("a restored job whose create waits for its message keeps a full partition flowing until the message comes")
    func restoredJobAwaitingItsMessage() throws {
        var h = CoreHarness(options: CoreHarness.options(policy: .resubmit), fleetCap: 2, partitions: 2)
        let share = 1
        let submitting = h.record("job-0", offset: 0)
        h.assign(0, records: [("job-0", submitting)])
        #expect(h.core.partitionStatus.first?.tasksInFlight == share)
        h.advance(.seconds(40))
        h.handle(.ledgerRead(id: h.readLedgers[0].id, CoreHarness.read(CoreHarness.index([("job-0", submitting)]), from: 0, end: 1)))
        h.handle(.reconciled(id: h.reconciles[0].id, .notFound))
        #expect(h.core.partitionStatus.first?.pausedForCapacity == false, "the slot is full, yet the message must come")
        h.consume("job-0", offset: 0)
        #expect(h.creates.map(\.call.externalTaskID) == [submitting.externalTaskID], "the same external_task_id")
        #expect(h.pauses == [0], "the message is here: full again, paused")
    }

    @Test("a submitting record this process withdrew from a lost partition starts afresh when it comes back")
    func knownUnsentAfterALoss() throws {
        var h = CoreHarness()
        h.assign(0)
        h.consume("job-0", offset: 0)
        h.ackWrites()
        let create = try #require(h.creates.first)
        h.handle(.createAnswered(id: create.id, .failed(.transient(retryAfter: nil), api: nil)))
        let record = try #require(h.all.compactMap { if case .writeLedger(_, let w) = $0 { w.record } else { nil } }.first)
        h.handle(.revoking([0], lost: true))
        #expect(h.finishedRevocations == [0])
        #expect(h.ledgerWrites.map { $0.write.record == nil } == [true], "best effort: the record is withdrawn")
        h.assign(0, kafkaEpoch: 2, records: [("job-0", record)])
        h.consume("job-0", offset: 0, kafkaEpoch: 2)
        #expect(h.ledgerWrites.first?.write.record?.state == .submitting, "no grace needed: this process knows")
    }
}

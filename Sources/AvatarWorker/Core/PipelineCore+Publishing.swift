import AvatarJobs

/// Results, dead letters, commits and tombstones: at-least-once, a publication is sent as soon as it is decided,
/// offsets are committed every commit interval and tombstones follow the commit that covers their job; exactly-once,
/// publications wait for one transaction that also commits the offsets.
extension PipelineCore {
    /// Publishes a tracked job's terminal outcome (with its tombstone in exactly-once mode).
    mutating func publishResult(
        _ outcome: JobLifecycle.Outcome, withTombstone: Bool, of job: inout PipelineJob, _ step: inout Step
    ) {
        if job.writeFailures > 0, !(owned[job.partition]?.isHandingOver ?? false) {
            deferRetry(of: &job, .publish(outcome, withTombstone: withTombstone), attempt: job.writeFailures,
                       policy: options.writeRetry, &step)
            return
        }
        if job.decidedAt == nil { job.decidedAt = step.now }
        if job.writeFailures == 0 {
            observeEnd(of: job, outcome: outcome, &step)
            step.observe(.resultDecided(jobID: job.record.jobID, type: outcome.eventType.rawValue))
            var fields = ["outcome": outcome.eventType.rawValue]
            if case .failed(let failure, _) = outcome { fields["code"] = failure.code }
            step.log(.info, "job ended", job.logMetadata(fields))
        }
        sendResult(outcome, withTombstone: withTombstone, of: job, &step)
    }

    /// Sends the result publication of `job` (again, after a failure).
    mutating func sendResult(
        _ outcome: JobLifecycle.Outcome, withTombstone: Bool, of job: PipelineJob, _ step: inout Step
    ) {
        let event = resultEvent(outcome, of: job, step)
        var records: [OutgoingRecord] = [.result(event, traceparent: job.record.traceparent)]
        if withTombstone { records.append(.tombstone(jobID: job.record.jobID, partition: job.partition)) }
        send(QueuedPublication(
            kind: .result(job.ref, type: event.type), partition: job.partition, epoch: job.epoch, records: records,
            coveredOffset: withTombstone ? job.record.jobOffset : nil), &step)
    }

    /// The terminal event of a tracked job, built from its outcome and its ledger record (which carries the trace
    /// parent, metadata and notes, so a job restored after a crash produces the same event).
    func resultEvent(_ outcome: JobLifecycle.Outcome, of job: PipelineJob, _ step: Step) -> AvatarResultEvent {
        let record = job.record
        var event: AvatarResultEvent
        switch outcome {
        case .succeeded(let taskID, let success):
            event = AvatarResultEvent(
                type: .succeeded, jobID: record.jobID, attempt: record.attempt, occurredAt: step.now.date,
                worker: options.worker)
            event.taskID = taskID
            event.videos = success.videos
            event.usage = success.usage
            event.completedAt = success.completedAt
        case .failed(let failure, let taskID):
            event = AvatarResultEvent(
                type: .failed, jobID: record.jobID, attempt: record.attempt, occurredAt: step.now.date,
                worker: options.worker)
            event.taskID = taskID
            event.error = ResultError(
                code: failure.code, message: failure.message, retryable: TaskFailure.isRetryable(failure.code),
                api: failure.code.hasPrefix("api.") ? job.apiFailure : nil)
        }
        event.externalTaskID = record.externalTaskID
        event.submittedAt = record.submittedAt
        event.metadata = record.metadata
        event.notes = record.notes
        return event
    }

    /// Reports a task's end for metrics (only for jobs that had a task).
    private func observeEnd(of job: PipelineJob, outcome: JobLifecycle.Outcome, _ step: inout Step) {
        guard job.lifecycle.taskID != nil, let submittedAt = job.record.submittedAt else { return }
        let ended: TaskOutcome
        switch outcome {
        case .succeeded: ended = .succeeded
        case .failed(let failure, _): ended = failure.code == TaskFailure.deadlineExceededCode ? .deadlineExceeded : .failed
        }
        step.observe(.taskEnded(
            mode: PollMode(rawValue: job.record.mode.rawValue) ?? .std, outcome: ended,
            seconds: WallClock.Instant(submittedAt).duration(to: step.now).inSeconds, polls: job.polls))
    }

    /// Sends a publication now (at-least-once) or queues it for the next transaction (exactly-once).
    mutating func send(_ publication: QueuedPublication, _ step: inout Step) {
        if options.exactlyOnce {
            transactionQueue.append(publication)
            return
        }
        let id = nextID()
        pending[id] = .publication(publication)
        step.commands.append(.publish(id: id, publication.records))
    }

    mutating func published(_ id: UInt64, succeeded: Bool, _ step: inout Step) {
        guard case .publication(let publication)? = pending.removeValue(forKey: id) else { return }
        guard succeeded else {
            step.observe(.publishFailed)
            republish(publication, &step)
            return
        }
        acknowledged(publication, &step)
    }

    /// A publication is durable: the job moves on, or a rejection's or dead letter's offset becomes durable.
    private mutating func acknowledged(_ publication: QueuedPublication, _ step: inout Step) {
        let event = publication.records.lazy.compactMap { record -> AvatarResultEvent? in
            if case .result(let event, _) = record { return event }
            return nil
        }.first
        switch publication.kind {
        case .result(let ref, let type):
            guard var job = job(ref) else { return }
            job.writeFailures = 0
            step.observe(.resultAcked(
                type: type, errorCode: event?.error?.code,
                secondsSinceConsumed: job.receivedAt.map { $0.duration(to: step.now).inSeconds },
                secondsSinceDecided: job.decidedAt.map { $0.duration(to: step.now).inSeconds }))
            apply(job.lifecycle.handle(.resultPublished), to: &job, &step)
        case .direct(let offset, let resultType):
            if let resultType {
                step.observe(.resultAcked(
                    type: resultType, errorCode: event?.error?.code, secondsSinceConsumed: nil))
            }
            guard offsets.markDurable(offset: offset, partition: publication.partition, epoch: publication.epoch) != nil
            else { return }
            rejectionPublished(partition: publication.partition, offset: offset)
            storeAdvancedOffset(of: publication.partition, &step)
        case .progress:
            return
        }
    }

    /// A publication failed: a job's result goes through its lifecycle (which asks for it again, after a backoff);
    /// any other publication is sent again after a backoff, unless its partition changed hands.
    private mutating func republish(_ publication: QueuedPublication, _ step: inout Step) {
        switch publication.kind {
        case .result(let ref, _):
            guard var job = job(ref) else { return }
            job.writeFailures += 1
            apply(job.lifecycle.handle(.writeFailed), to: &job, &step)
        case .direct, .progress:
            guard owned[publication.partition]?.epoch == publication.epoch else { return }
            let key = nextID()
            retryingPublications[key] = publication
            timers.arm(.republish(key), at: step.now.advanced(by: options.writeRetry.window(forAttempt: 2)))
        }
    }

    /// Sends a failed publication again (its timer fired).
    mutating func republishDue(_ key: UInt64, _ step: inout Step) {
        guard let publication = retryingPublications.removeValue(forKey: key),
              owned[publication.partition]?.epoch == publication.epoch
        else { return }
        send(publication, &step)
    }

    /// Arms the next commit round when there is something to commit or to transact.
    mutating func scheduleCommit(_ step: inout Step) {
        guard !commitTimerArmed, commitInFlight == nil else { return }
        let due: Bool
        if options.exactlyOnce {
            due = !transactionQueue.isEmpty || !transactionOffsets().isEmpty
        } else {
            due = !uncommittedStores().isEmpty
        }
        guard due else { return }
        commitTimerArmed = true
        timers.arm(.commit, at: step.now.advanced(by: options.commitInterval))
    }

    /// The commit timer fired: commit the stored offsets (at-least-once) or send a transaction (exactly-once).
    mutating func commitDue(_ step: inout Step) {
        commitTimerArmed = false
        guard commitInFlight == nil else { return }
        if options.exactlyOnce {
            sendTransaction(partitions: nil, &step)
            return
        }
        let offsets = uncommittedStores()
        guard !offsets.isEmpty else { return }
        let id = nextID()
        pending[id] = .commit(offsets)
        commitInFlight = id
        step.commands.append(.commit(id: id, offsets: offsets))
    }

    /// The offsets stored since the last successful commit, per owned partition.
    func uncommittedStores() -> [Int32: Int64] {
        var result: [Int32: Int64] = [:]
        for (partition, owned) in owned {
            guard let stored = owned.stored, stored > (owned.committed ?? -1) else { continue }
            result[partition] = stored
        }
        return result
    }

    mutating func committed(_ id: UInt64, succeeded: Bool, _ step: inout Step) {
        guard case .commit(let offsets)? = pending.removeValue(forKey: id) else { return }
        if commitInFlight == id { commitInFlight = nil }
        guard succeeded else {
            step.log(.warning, "offset commit failed; tombstones wait for the next one")
            handoverCommitEnded(id, succeeded: false, &step)
            return
        }
        recordCommitted(offsets)
        for partition in offsets.keys.sorted() {
            releaseCoveredTombstones(of: partition, &step)
            if let committed = owned[partition]?.committed { rejectionsCommitted(partition: partition, committed: committed, &step) }
        }
        handoverCommitEnded(id, succeeded: true, &step)
    }

    private mutating func recordCommitted(_ offsets: [Int32: Int64]) {
        for (partition, offset) in offsets {
            guard var owned = owned[partition] else { continue }
            owned.committed = max(owned.committed ?? offset, offset)
            self.owned[partition] = owned
        }
    }

    /// Writes the tombstones of `partition` whose job offset the last commit covers.
    mutating func releaseCoveredTombstones(of partition: Int32, _ step: inout Step) {
        guard let committed = owned[partition]?.committed, let queued = tombstones[partition] else { return }
        var waiting: [PendingTombstone] = []
        for tombstone in queued {
            guard var job = job(tombstone.ref), case .writingTombstone = job.lifecycle.phase else { continue }
            if committed > tombstone.jobOffset {
                writeLedger(for: &job, purpose: .tombstone, record: nil, &step)
                jobs[job.record.jobID] = job
            } else {
                waiting.append(tombstone)
            }
        }
        tombstones[partition] = waiting.isEmpty ? nil : waiting
    }

    // MARK: Exactly-once

    /// Offsets a transaction would commit now: each owned partition's committable offset past the committed one.
    func transactionOffsets(partitions: Set<Int32>? = nil) -> [Int32: Int64] {
        var result: [Int32: Int64] = [:]
        for (partition, owned) in owned where partitions?.contains(partition) ?? true {
            guard let committable = offsets.committableOffset(of: partition),
                  committable > (owned.committed ?? 0)
            else { continue }
            result[partition] = committable
        }
        return result
    }

    /// Sends one transaction with every ready publication (of `partitions`, or all) and the offsets they and the
    /// jobs made durable since the last one. A result carrying its tombstone is ready only once the committed (or
    /// now committable) offset passes its job: otherwise a crash after the transaction would leave the job
    /// uncommitted with its ledger record gone, and its redelivery would be created again.
    @discardableResult
    mutating func sendTransaction(partitions: Set<Int32>?, _ step: inout Step) -> UInt64? {
        // What a transaction publishes becomes durable with it, so the offsets it settles are marked durable now
        // and the same transaction commits them: a rejection's or dead letter's offset, and the offsets a result
        // carrying its tombstone was received at (a job that ended before `submitted`, a permanent error say, has
        // no other way to become durable: waiting for a commit to pass it first would wait forever).
        for publication in transactionQueue where partitions?.contains(publication.partition) ?? true {
            switch publication.kind {
            case .direct(let offset, _):
                offsets.markDurable(offset: offset, partition: publication.partition, epoch: publication.epoch)
            case .result(let ref, _):
                guard publication.coveredOffset != nil, let job = job(ref) else { continue }
                for offset in job.lifecycle.pendingOffsets {
                    offsets.markDurable(offset: offset, partition: publication.partition, epoch: publication.epoch)
                }
            case .progress:
                continue
            }
        }
        var ready: [QueuedPublication] = []
        var waiting: [QueuedPublication] = []
        for publication in transactionQueue {
            guard owned[publication.partition]?.epoch == publication.epoch else { continue }
            guard partitions?.contains(publication.partition) ?? true else {
                waiting.append(publication)
                continue
            }
            let reach = max(offsets.committableOffset(of: publication.partition) ?? -1,
                            owned[publication.partition]?.committed ?? -1)
            if let covered = publication.coveredOffset, reach <= covered {
                waiting.append(publication)
            } else {
                ready.append(publication)
            }
        }
        transactionQueue = waiting
        let offsets = transactionOffsets(partitions: partitions)
        guard !ready.isEmpty || !offsets.isEmpty else { return nil }
        let id = nextID()
        pending[id] = .transaction(ready, offsets: offsets)
        commitInFlight = id
        step.commands.append(.transaction(id: id, records: ready.flatMap(\.records), offsets: offsets))
        return id
    }

    mutating func transactionEnded(_ id: UInt64, succeeded: Bool, _ step: inout Step) {
        guard case .transaction(let publications, let offsets)? = pending.removeValue(forKey: id) else { return }
        if commitInFlight == id { commitInFlight = nil }
        if succeeded {
            recordCommitted(offsets)
            for publication in publications { acknowledged(publication, &step) }
            for partition in offsets.keys.sorted() {
                if let committed = owned[partition]?.committed { rejectionsCommitted(partition: partition, committed: committed, &step) }
            }
        } else {
            step.log(.warning, "transaction aborted; its publications are sent again")
            let kept = publications.filter { owned[$0.partition]?.epoch == $0.epoch }
            transactionQueue.insert(contentsOf: kept, at: 0)
        }
        handoverCommitEnded(id, succeeded: succeeded, &step)
    }
}

extension TaskFailure {
    /// Whether producing the same job again later might succeed: deadlines, ambiguity, account problems and an
    /// unavailable API pass; bad input, a failed render and permanent API refusals do not.
    static func isRetryable(_ code: String) -> Bool {
        [deadlineExceededCode, submissionAmbiguousCode, apiUnavailableCode, "api.account"].contains(code)
    }
}

extension TaskLifecycle.Outcome {
    /// The result event type of the outcome.
    var eventType: AvatarResultEvent.EventType {
        switch self {
        case .succeeded: .succeeded
        case .failed: .failed
        }
    }
}

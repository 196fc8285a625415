import AvatarJobs

/// Assignment and restore: a new jobs partition is held paused until its ledger partition is read, its live jobs
/// resumed, and only then does it take new jobs.
extension PipelineCore {
    mutating func assigned(_ partitions: [AssignedPartition], _ step: inout Step) {
        for assignment in partitions.sorted(by: { $0.partition < $1.partition }) {
            let partition = assignment.partition
            if owned[partition] != nil { dropPartition(partition, lost: true, &step) }
            let epoch = offsets.assign(partition)
            do {
                try capacity.assign(partition)
            } catch {
                step.log(.error, "assigned partition has no in-flight share", ["error": error.description])
            }
            var owned = OwnedPartition(epoch: epoch, kafkaEpoch: assignment.kafkaEpoch, restoreStartedAt: step.now)
            step.commands.append(.pause(partition))
            if draining {
                // Shutting down: the partition is left as it was for whoever gets it after this process leaves.
                owned.phase = .handedOver
                capacity.revoke(partition)
                self.owned[partition] = owned
                continue
            }
            self.owned[partition] = owned
            readLedger(partition, epoch: epoch, &step)
        }
    }

    private mutating func readLedger(_ partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        let id = nextID()
        pending[id] = .restore(partition, epoch)
        step.commands.append(.readLedger(id: id, partition: partition, from: nil))
    }

    mutating func ledgerRead(_ id: UInt64, _ result: LedgerReadResult, _ step: inout Step) {
        switch pending.removeValue(forKey: id) {
        case .restore(let partition, let epoch)?:
            guard owned[partition]?.epoch == epoch, owned[partition]?.phase == .restoring else { return }
            switch result {
            case .read(let index, let committed, let ledger):
                restore(partition, epoch: epoch, from: index, committed: committed, ledger: ledger, &step)
            case .failed(let reason):
                step.log(.error, "ledger restore failed; reading again", ["partition": "\(partition)", "error": reason])
                timers.arm(.restoreRetry(partition, epoch), at: step.now.advanced(by: options.writeRetry.window(forAttempt: 4)))
            }
        case .reread(let partition, let epoch)?:
            guard var owned = owned[partition], owned.epoch == epoch else { return }
            owned.priorOwnerCheckArmed = false
            self.owned[partition] = owned
            switch result {
            case .read(let index, _, _):
                settlePriorOwners(of: partition, epoch: epoch, with: index, &step)
            case .failed(let reason):
                step.log(.warning, "reading the ledger again failed; trying later", ["partition": "\(partition)", "error": reason])
                armPriorOwnerCheck(partition, epoch: epoch, after: options.writeRetry.window(forAttempt: 4), &step)
            }
        default:
            return
        }
    }

    /// A restore timer fired: read the partition again.
    mutating func restoreRetryDue(_ partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        guard owned[partition]?.epoch == epoch, owned[partition]?.phase == .restoring else { return }
        readLedger(partition, epoch: epoch, &step)
    }

    /// Resumes every live job of the ledger partition, then the jobs partition.
    private mutating func restore(
        _ partition: Int32, epoch: AssignmentEpoch, from index: TaskLedgerIndex<AvatarTaskRecord>, committed: Int64?,
        ledger: LedgerLiveOffsets, _ step: inout Step
    ) {
        guard var owned = owned[partition] else { return }
        owned.committed = committed
        owned.phase = .active
        owned.checkpointCommitted = ledger.start
        owned.ledgerOffsets = ledger
        let held = owned.heldMessages
        owned.heldMessages = []
        self.owned[partition] = owned
        var knownUnsent = 0
        for entry in index.liveEntries {
            let record = entry.payload
            if let marker = PublishedRejections.parse(record.jobID) {
                if let committed, committed > marker.offset {
                    partitionWrite(LedgerWrite(partition: partition, jobID: record.jobID, record: nil), &step)
                } else {
                    rejections.restored[partition, default: []].insert(marker.offset)
                }
                continue
            }
            let restored: JobLifecycle.Restored
            switch entry.state {
            case .submitting:
                if let known = unsentSubmissions.removeValue(forKey: record.jobID), known == UnsentSubmission(record) {
                    // This process wrote it and dropped the job before any create: the job's message, whose offset
                    // was never committed, comes back and starts afresh (same external_task_id).
                    knownUnsent += 1
                    continue
                }
                if options.plantedBug == .restoreSkipsSubmitting { continue }
                restored = .submittingByPriorOwner
            case .submitted:
                guard let taskID = record.taskID else { continue }
                restored = .submitted(taskID: taskID)
            case .published:
                restored = .published
            }
            let (lifecycle, actions) = JobLifecycle.restored(
                jobID: record.jobID, externalTaskID: record.externalTaskID, from: restored, options: options.lifecycle)
            var job = PipelineJob(lifecycle: lifecycle, partition: partition, epoch: epoch, record: record, job: nil)
            job.restored = true
            job.createSent = true
            job.ledgerOffset = entry.offset
            armDeadlines(of: job)
            apply(actions, to: &job, &step)
        }
        step.log(.info, "ledger partition restored", [
            "partition": "\(partition)", "live_jobs": "\(index.count)",
            "committed_offset": committed.map(String.init) ?? "none", "known_unsent": "\(knownUnsent)",
            "read_from": "\(ledger.start)", "read_end": "\(ledger.next)",
        ])
        step.observe(.restoreFinished(
            partition: partition, seconds: owned.restoreStartedAt.duration(to: step.now).inSeconds,
            liveRecords: index.count, from: ledger.start, end: ledger.next))
        step.observe(.ledgerCheckpoint(partition: partition, checkpoint: ledger.start, end: ledger.next))
        commitCheckpointIfAdvanced(partition, &step)
        armCheckpointScan(partition, epoch: epoch, &step)
        releaseCoveredTombstones(of: partition, &step)
        updateFlow(of: partition, &step)
        for message in held { consumed(message, &step) }
    }

    /// Arms the read-again of jobs restored from another owner's `submitting` records.
    mutating func armPriorOwnerCheck(_ partition: Int32, epoch: AssignmentEpoch, after delay: Duration, _ step: inout Step) {
        guard var owned = owned[partition], owned.epoch == epoch, !owned.priorOwnerCheckArmed else { return }
        owned.priorOwnerCheckArmed = true
        self.owned[partition] = owned
        timers.arm(.priorOwnerCheck(partition, epoch), at: step.now.advanced(by: delay))
    }

    /// The grace for the prior owner's creates ended: read the ledger again from the oldest waiting record.
    mutating func priorOwnerCheckDue(_ partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        guard let owned = owned[partition], owned.epoch == epoch, owned.phase == .active else { return }
        let waitingOffsets = jobs.values.compactMap { job -> Int64? in
            guard job.partition == partition, job.epoch == epoch, job.lifecycle.phase == .awaitingPriorOwner else { return nil }
            return job.ledgerOffset
        }
        guard let from = waitingOffsets.min() else {
            self.owned[partition]?.priorOwnerCheckArmed = false
            return
        }
        let id = nextID()
        pending[id] = .reread(partition, epoch)
        step.commands.append(.readLedger(id: id, partition: partition, from: from))
    }

    /// Judges each job still waiting for its prior owner by what the ledger says now.
    private mutating func settlePriorOwners(
        of partition: Int32, epoch: AssignmentEpoch, with index: TaskLedgerIndex<AvatarTaskRecord>, _ step: inout Step
    ) {
        let waitingJobs = jobs.values
            .filter { $0.partition == partition && $0.epoch == epoch && $0.lifecycle.phase == .awaitingPriorOwner }
            .sorted { ($0.ledgerOffset ?? 0) < ($1.ledgerOffset ?? 0) }
        for var job in waitingJobs {
            let verdict: JobLifecycle.PriorOwnerVerdict
            switch index[job.record.jobID] {
            case nil:
                verdict = .withdrawn
            case let entry?:
                switch entry.state {
                case .submitting:
                    verdict = .unchanged
                case .submitted:
                    if let taskID = entry.payload.taskID {
                        job.record = entry.payload
                        verdict = .submitted(taskID: taskID)
                    } else {
                        verdict = .unchanged
                    }
                case .published:
                    job.record = entry.payload
                    verdict = .published
                }
            }
            step.log(.info, "restored submitting record judged after the prior owner's grace", job.logMetadata([
                "verdict": "\(verdict)",
            ]))
            let message = job.job
            let received = job.lifecycle.pendingOffsets
            let receivedAt = job.receivedAt
            let traceparent = job.record.traceparent
            apply(job.lifecycle.handle(.priorOwnerSettled(verdict)), to: &job, &step)
            if verdict == .withdrawn, let message, let first = received.first {
                // The prior owner withdrew it and its message is here already: it starts now as a new job.
                start(WaitingJob(job: message, offset: first, traceparent: traceparent, receivedAt: receivedAt ?? step.now),
                      partition: partition, epoch: epoch, &step)
                if var fresh = jobs[message.job.jobID] {
                    for offset in received.dropFirst() {
                        apply(fresh.lifecycle.handle(.redelivered(offset: offset)), to: &fresh, &step)
                    }
                }
            }
        }
    }
}

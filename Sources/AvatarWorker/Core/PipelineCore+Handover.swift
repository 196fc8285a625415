import AvatarJobs

/// Revocation, hand-over and shutdown.
///
/// A cooperative revocation (or shutdown) hands a partition over before the group may give it to someone else:
/// it stops taking work, waits for every create, reconciling query, ledger write and publication of the partition
/// to answer, stores and commits the final offset, then withdraws the `submitting` records of jobs no create left
/// for (their messages come back to the next owner as new jobs), and gives every finished job its tombstone when the
/// commit covers it or a `published` record when it does not (so the next owner neither polls nor publishes again).
/// A `lost` partition is already someone else's: the core drops it at once and does only what cannot hurt the next
/// owner — it still records a task that a create in flight made, and withdraws what it knows unsent — which that
/// owner sees when it reads the ledger again after `priorOwnerGrace`.
extension PipelineCore {
    mutating func revoking(_ partitions: [Int32], lost: Bool, _ step: inout Step) {
        var finished: [Int32] = []
        for partition in partitions.sorted() {
            guard let owned = owned[partition] else {
                finished.append(partition)
                continue
            }
            step.log(.info, "partition revoked", ["partition": "\(partition)", "lost": "\(lost)"])
            switch owned.phase {
            case .handedOver:
                dropPartition(partition, lost: false, &step)
                finished.append(partition)
            case .handingOver:
                if lost {
                    dropPartition(partition, lost: true, &step)
                    finished.append(partition)
                } else {
                    revocationsRequested.insert(partition)
                }
            case .restoring, .active:
                if lost || options.plantedBug == .revocationSendsQueuedCreates {
                    dropPartition(partition, lost: lost, &step)
                    finished.append(partition)
                } else {
                    revocationsRequested.insert(partition)
                    beginHandover(partition, &step)
                }
            }
        }
        if !finished.isEmpty { step.commands.append(.finishRevocation(finished)) }
    }

    mutating func shutdown(_ step: inout Step) {
        guard !draining else { return }
        draining = true
        step.log(.notice, "shutdown: handing every owned partition over", ["partitions": "\(owned.keys.sorted())"])
        for partition in owned.keys.sorted() {
            switch owned[partition]?.phase {
            case .restoring?, .active?: beginHandover(partition, &step)
            default: continue
            }
        }
    }

    /// Stops all new work of the partition; what is in flight is waited for (``progressHandovers(_:)``).
    private mutating func beginHandover(_ partition: Int32, _ step: inout Step) {
        guard var owned = owned[partition] else { return }
        owned.phase = .handingOver(.settling)
        self.owned[partition] = owned
        timers.arm(.handoverDeadline(partition, owned.epoch), at: step.now.advanced(by: options.handoverDeadline))
        waiting[partition] = nil
        for var job in jobsOf(partition) {
            job.poll = nil
            // A write or publication waiting for its backoff goes out now: the hand-over waits for it.
            switch job.deferred {
            case .write(let purpose, let record)?:
                job.deferred = nil
                job.timerToken += 1
                emitLedgerWrite(for: job, purpose: purpose, record: record, &step)
            case .publish(let outcome, let withTombstone)?:
                job.deferred = nil
                job.timerToken += 1
                sendResult(outcome, withTombstone: withTombstone, of: job, &step)
            case .retryDue?, nil:
                break
            }
            jobs[job.record.jobID] = job
        }
    }

    /// Moves every hand-over on as far as what has answered allows.
    mutating func progressHandovers(_ step: inout Step) {
        let handingOver = owned.filter { $0.value.isHandingOver }.keys.sorted()
        for partition in handingOver { progressHandover(partition, &step) }
    }

    private mutating func progressHandover(_ partition: Int32, _ step: inout Step) {
        guard let owned = owned[partition], case .handingOver(let stage) = owned.phase else { return }
        let assignment = PartitionAssignment(partition: partition, epoch: owned.epoch)
        switch stage {
        case .settling:
            guard !pending.values.contains(where: { $0.handoverAssignment == assignment }), commitInFlight == nil else { return }
            storeAdvancedOffset(of: partition, &step)
            let commit: UInt64?
            if options.exactlyOnce {
                commit = sendTransaction(partitions: [partition], &step)
            } else if let stored = self.owned[partition]?.stored, stored > (owned.committed ?? -1) {
                let id = nextID()
                pending[id] = .commit([partition: stored])
                commitInFlight = id
                step.commands.append(.commit(id: id, offsets: [partition: stored]))
                commit = id
            } else {
                commit = nil
            }
            if let commit {
                self.owned[partition]?.phase = .handingOver(.committing(commit))
            } else {
                finalWrites(partition, &step)
            }
        case .committing:
            return
        case .finishing:
            if !pending.values.contains(where: { $0.handoverAssignment == assignment }) { finishHandover(partition, &step) }
        }
    }

    /// The final commit of a hand-over answered: the final writes follow, or, when it failed, the commit is tried
    /// again (the hand-over deadline bounds it): a job handed over uncommitted would be delivered again and a
    /// rejection or result published twice.
    mutating func handoverCommitEnded(_ id: UInt64, succeeded: Bool, _ step: inout Step) {
        for partition in owned.keys.sorted() where owned[partition]?.phase == .handingOver(.committing(id)) {
            if succeeded {
                finalWrites(partition, &step)
            } else {
                owned[partition]?.phase = .handingOver(.settling)
            }
        }
    }

    /// Withdrawals of unsent jobs, tombstones or `published` records of finished ones, markers of rejections.
    private mutating func finalWrites(_ partition: Int32, _ step: inout Step) {
        let committed = owned[partition]?.committed ?? -1
        var withdrawn = 0
        for job in jobsOf(partition) {
            if job.lifecycle.phase == .writingTombstone, !options.exactlyOnce {
                guard options.plantedBug != .revocationDropsFinishedJobs else { continue }
                if committed > job.record.jobOffset {
                    emitLedgerWrite(for: job, purpose: .tombstone, record: nil, &step)
                } else {
                    emitLedgerWrite(for: job, purpose: .publishedRecord, record: job.record.published(), &step)
                }
            } else if job.isUnsentSubmission {
                guard options.plantedBug != .revocationKeepsUnsentRecords else { continue }
                emitLedgerWrite(for: job, purpose: .withdrawal, record: nil, &step)
                withdrawn += 1
            }
        }
        if options.plantedBug != .revocationDropsFinishedJobs {
            writeRejectionMarkers(of: partition, committed: committed, bestEffort: false, &step)
        }
        if withdrawn > 0 {
            step.log(.info, "unsent submissions withdrawn for the next owner", [
                "partition": "\(partition)", "jobs": "\(withdrawn)",
            ])
        }
        owned[partition]?.phase = .handingOver(.finishing)
        progressHandover(partition, &step)
    }

    private mutating func finishHandover(_ partition: Int32, _ step: inout Step) {
        guard let owned = owned[partition] else { return }
        dropPartition(partition, lost: false, &step)
        handedOver(partition, owned, &step)
    }

    /// Lets the group move on when it asked for the partition (a revocation); after a shutdown's hand-over, keeps the
    /// partition as `handedOver` (owning nothing) until the group revokes it.
    private mutating func handedOver(_ partition: Int32, _ owned: OwnedPartition, _ step: inout Step) {
        if revocationsRequested.remove(partition) != nil {
            step.commands.append(.finishRevocation([partition]))
        } else {
            var handedOver = OwnedPartition(epoch: owned.epoch, kafkaEpoch: owned.kafkaEpoch, restoreStartedAt: step.now)
            handedOver.phase = .handedOver
            self.owned[partition] = handedOver
        }
    }

    /// The hand-over did not finish in time: what is still in flight is left as if the partition were lost.
    mutating func handoverTimedOut(_ partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        guard let owned = owned[partition], owned.epoch == epoch, owned.isHandingOver else { return }
        step.log(.warning, "hand-over deadline passed; what is still in flight is left to the next owner", [
            "partition": "\(partition)",
        ])
        dropPartition(partition, lost: true, &step)
        handedOver(partition, owned, &step)
    }

    /// Forgets everything about the partition. When `lost`, first does what helps its next owner and cannot hurt
    /// it: creates in flight become orphans (a task they make is still recorded), unsent submissions are withdrawn
    /// and remembered, finished jobs get a `published` record.
    mutating func dropPartition(_ partition: Int32, lost: Bool, _ step: inout Step) {
        guard let owned = owned[partition] else { return }
        let legacy = options.plantedBug == .revocationSendsQueuedCreates
        for id in pending.keys.sorted() {
            guard case .create(let ref, let createPartition, let probe, let sentAt)? = pending[id],
                  createPartition == partition, ref.epoch == owned.epoch, let record = jobs[ref.jobID]?.record
            else { continue }
            pending[id] = .orphanCreate(record, probe: probe, sentAt: sentAt, lostAt: legacy ? .distantPast : step.now)
        }
        for job in jobsOf(partition) {
            if lost && !legacy {
                if job.lifecycle.phase == .writingTombstone, !options.exactlyOnce {
                    orphanWrite(LedgerWrite(partition: partition, jobID: job.record.jobID, record: job.record.published()), until: orphanWindow(from: step.now), &step)
                } else if job.isUnsentSubmission || job.lifecycle.phase == .recordingSubmitting {
                    // A `submitting` write still in flight counts too: the withdrawal follows it on the same producer
                    // and partition, so it lands after it.
                    if unsentSubmissions.count < UnsentSubmission.limit {
                        unsentSubmissions[job.record.jobID] = UnsentSubmission(job.record)
                    }
                    orphanWrite(LedgerWrite(partition: partition, jobID: job.record.jobID, record: nil), until: orphanWindow(from: step.now), &step)
                } else if job.lifecycle.phase == .recordingSubmitted, let taskID = job.lifecycle.taskID {
                    // The task exists and its record was not acked yet (or failed): the next owner adopts it.
                    let record = job.record.state == .submitted ? job.record : job.record.submitted(taskID: taskID, at: step.now.date)
                    orphanWrite(LedgerWrite(partition: partition, jobID: job.record.jobID, record: record), until: orphanWindow(from: step.now), &step)
                }
            }
            if legacy, job.queuedForCreate, let validated = job.job {
                ghostCreates.append(GhostCreate(
                    call: CreateCall(job: validated, externalTaskID: job.lifecycle.externalTaskID, isProbe: false),
                    record: job.record))
            }
            jobs[job.record.jobID] = nil
            if let taskID = job.lifecycle.taskID, taskJobs[taskID] == job.record.jobID { taskJobs[taskID] = nil }
        }
        if lost && !legacy {
            writeRejectionMarkers(of: partition, committed: owned.committed ?? -1, bestEffort: true, &step)
        }
        rejections.published[partition] = nil
        rejections.restored[partition] = nil
        waiting[partition] = nil
        tombstones[partition] = nil
        transactionQueue.removeAll { $0.partition == partition }
        capacity.revoke(partition)
        _ = offsets.revoke(partition)
        self.owned[partition] = nil
        step.observe(.partitionReleased(partition: partition))
        if timers.count > 4 * (jobs.count + 256) {
            let live = jobs
            timers.compact { timer in
                switch timer {
                case .deadline(let ref, _), .retry(let ref, _), .poll(let ref, _):
                    live[ref.jobID]?.epoch == ref.epoch
                default:
                    true
                }
            }
        }
    }

    /// The live jobs of a partition in offset order.
    func jobsOf(_ partition: Int32) -> [PipelineJob] {
        jobs.values.filter { $0.partition == partition }.sorted { $0.record.jobOffset < $1.record.jobOffset }
    }
}

extension WallClock.Instant {
    /// An instant before any other (a create of a planted legacy revocation is never recorded).
    static let distantPast = WallClock.Instant(.distantPast)
}

import AvatarJobs
import CometAPI

/// Submission: ledger acknowledgements, the create queue behind the create slots and the account gate, create
/// answers, reconciliation.
extension PipelineCore {
    mutating func ledgerWritten(_ id: UInt64, succeeded: Bool, _ step: inout Step) {
        guard let io = pending.removeValue(forKey: id) else { return }
        switch io {
        case .orphanWrite(let write, let until):
            guard !succeeded else { return }
            step.observe(.ledgerWriteFailed)
            orphanWrite(write, until: until, &step)
        case .partitionWrite(let assignment, let write):
            guard !succeeded, owned[assignment.partition]?.epoch == assignment.epoch else { return }
            step.observe(.ledgerWriteFailed)
            partitionWrite(write, &step)
        case .ledger(let ref, _, let purpose):
            guard var job = job(ref) else { return }
            guard succeeded else {
                step.observe(.ledgerWriteFailed)
                job.writeFailures += 1
                step.log(.warning, "ledger write failed; writing it again", job.logMetadata(["purpose": "\(purpose)"]))
                switch purpose {
                case .tombstone where owned[job.partition]?.isHandingOver == true:
                    emitLedgerWrite(for: job, purpose: .tombstone, record: nil, &step)
                    jobs[ref.jobID] = job
                case .submitting, .submitted, .tombstone:
                    apply(job.lifecycle.handle(.writeFailed), to: &job, &step)
                case .publishedRecord, .withdrawal:
                    // A hand-over write: written again at once (the hand-over deadline bounds it).
                    emitLedgerWrite(for: job, purpose: purpose, record: purpose == .withdrawal ? nil : job.record.published(), &step)
                    jobs[ref.jobID] = job
                }
                return
            }
            job.writeFailures = 0
            switch purpose {
            case .submitting:
                var actions = job.lifecycle.handle(.submittingRecorded)
                if options.plantedBug == .offsetDurableAtSubmitting {
                    actions.insert(.markOffsetsDurable(job.lifecycle.pendingOffsets), at: 0)
                }
                apply(actions, to: &job, &step)
            case .submitted:
                apply(job.lifecycle.handle(.submittedRecorded), to: &job, &step)
            case .tombstone:
                apply(job.lifecycle.handle(.tombstoneRecorded), to: &job, &step)
            case .publishedRecord, .withdrawal:
                // Hand-over writes: the job leaves with its partition (see `finishHandover`).
                jobs[ref.jobID] = job
            }
        default:
            return
        }
    }

    /// Sends queued creates while create slots are free and the account gate lets them through.
    mutating func dispatchCreates(_ step: inout Step) {
        while createsInFlight < options.maxConcurrentCreates, !ghostCreates.isEmpty {
            let ghost = ghostCreates.removeFirst()
            let id = nextID()
            pending[id] = .orphanCreate(ghost.record, probe: false, sentAt: step.now, lostAt: .distantPast)
            createsInFlight += 1
            step.commands.append(.create(id: id, ghost.call))
        }
        while createsInFlight < options.maxConcurrentCreates, let ref = createQueue.first {
            guard var job = job(ref), job.queuedForCreate, case .creating = job.lifecycle.phase, let validated = job.job
            else {
                createQueue.removeFirst()
                continue
            }
            guard isActive(job.partition, epoch: ref.epoch) && !draining else {
                // Its partition is being handed over: it stays unsent, and its record is withdrawn.
                createQueue.removeFirst()
                continue
            }
            let isProbe: Bool
            switch gate.permission(at: step.now) {
            case .submit:
                isProbe = false
            case .probe:
                isProbe = true
            case .wait(let until):
                if let until { armGateTimer(at: until) }
                return
            }
            createQueue.removeFirst()
            job.queuedForCreate = false
            // Only the first create of this process measures intake_to_create: a retry's wait is backoff, not work.
            let firstCreate = !job.createStageTaken && !isProbe
            job.createStageTaken = true
            job.createSent = true
            let id = nextID()
            pending[id] = .create(ref, job.partition, probe: isProbe, sentAt: step.now)
            createsInFlight += 1
            jobs[ref.jobID] = job
            step.commands.append(.create(id: id, CreateCall(
                job: validated, externalTaskID: job.lifecycle.externalTaskID, isProbe: isProbe,
                receivedAt: firstCreate ? job.receivedAt : nil)))
        }
        wakeHeldJobForProbe(&step)
    }

    /// A closed gate lets one probe through after its interval: when no queued create can be it, one held job is
    /// woken to be it.
    private mutating func wakeHeldJobForProbe(_ step: inout Step) {
        guard case .closed(_, _, let nextProbeAt) = gate.state, createQueue.isEmpty else { return }
        guard step.now >= nextProbeAt else {
            if !heldForAccount.isEmpty { armGateTimer(at: nextProbeAt) }
            return
        }
        while let ref = heldForAccount.popFirst() {
            guard var job = job(ref), case .heldForAccount = job.lifecycle.phase, isActive(job.partition, epoch: ref.epoch)
            else { continue }
            apply(job.lifecycle.handle(.accountGateOpened), to: &job, &step)
            if createsInFlight < options.maxConcurrentCreates, !createQueue.isEmpty { dispatchCreates(&step) }
            return
        }
    }

    private mutating func armGateTimer(at instant: WallClock.Instant) {
        guard gateTimerAt != instant else { return }
        gateTimerAt = instant
        timers.arm(.accountGate, at: instant)
    }

    mutating func createAnswered(_ id: UInt64, _ answer: CreateAnswer, _ step: inout Step) {
        guard let io = pending.removeValue(forKey: id) else { return }
        switch io {
        case .create(let ref, _, let probe, let sentAt):
            createsInFlight -= 1
            recordCreate(answer, probe: probe, sentAt: sentAt, &step)
            guard var job = job(ref) else { return }
            switch answer {
            case .created(let taskID):
                step.log(.info, "task created", job.logMetadata(["task_id": taskID]))
                apply(job.lifecycle.handle(.created(taskID: taskID)), to: &job, &step)
            case .failed(let failure, let api):
                if let api { job.apiFailure = api }
                job.lastCreateFailure = failure.kind.rawValue
                if case .ambiguous = failure {} else { job.createSent = false }
                step.log(.warning, "create failed", job.logMetadata(["error": "\(failure)"]))
                apply(job.lifecycle.handle(.createFailed(failure)), to: &job, &step)
            }
        case .orphanCreate(let record, let probe, let sentAt, let lostAt):
            createsInFlight -= 1
            recordCreate(answer, probe: probe, sentAt: sentAt, &step)
            // What the answer proves is true whoever owns the partition now: a task exists (record it `submitted`),
            // or none does (withdraw the `submitting` record). Written while the next owner still waits for this
            // process's creates (`priorOwnerGrace`), it is adopted there instead of being judged ambiguous; later,
            // the next owner has judged the job already and a late record would only contradict it.
            let partition = Int32(record.jobPartition)
            guard step.now < orphanWindow(from: lostAt) else {
                step.log(.warning, "a create answered after its partition was lost; the answer is left to the next owner", [
                    "job_id": record.jobID, "partition": "\(partition)",
                ])
                return
            }
            switch answer {
            case .created(let taskID):
                orphanWrite(LedgerWrite(
                    partition: partition, jobID: record.jobID, record: record.submitted(taskID: taskID, at: step.now.date)),
                    until: orphanWindow(from: lostAt), &step)
            case .failed(.ambiguous, _):
                return
            case .failed:
                if unsentSubmissions.count < UnsentSubmission.limit {
                    unsentSubmissions[record.jobID] = UnsentSubmission(record)
                }
                orphanWrite(LedgerWrite(partition: partition, jobID: record.jobID, record: nil),
                            until: orphanWindow(from: lostAt), &step)
            }
        default:
            return
        }
    }

    /// The gate's and the metrics' view of a create's answer; a probe that succeeds opens the gate and wakes every
    /// held job.
    private mutating func recordCreate(_ answer: CreateAnswer, probe: Bool, sentAt: WallClock.Instant, _ step: inout Step) {
        let outcome: SubmissionGate<WallClock.Instant>.Outcome
        let seconds = sentAt.duration(to: step.now).inSeconds
        switch answer {
        case .created:
            outcome = .accepted
            step.observe(.createFinished(failure: nil, businessCode: nil, seconds: seconds))
        case .failed(let failure, let api):
            if case .account = failure {
                outcome = .accountError(code: api?.code ?? 1100)
            } else {
                outcome = .other
            }
            step.observe(.createFinished(failure: failure.kind, businessCode: api?.code, seconds: seconds))
        }
        if probe {
            if gate.recordProbe(outcome, at: step.now) {
                step.log(.notice, "account gate open again: submissions resume")
                step.observe(.accountGate(open: true))
                releaseHeldJobs(&step)
            }
        } else if gate.record(outcome, at: step.now) {
            step.log(.error, "account gate closed: submissions paused", ["outcome": "\(outcome)"])
            step.observe(.accountGate(open: false))
        }
    }

    private mutating func releaseHeldJobs(_ step: inout Step) {
        while let ref = heldForAccount.popFirst() {
            guard var job = job(ref), case .heldForAccount = job.lifecycle.phase else { continue }
            apply(job.lifecycle.handle(.accountGateOpened), to: &job, &step)
        }
    }

    mutating func reconciled(_ id: UInt64, _ answer: JobLifecycle.Reconciliation, _ step: inout Step) {
        guard case .reconcile(let ref, _)? = pending.removeValue(forKey: id), var job = job(ref) else { return }
        if answer == .notFound { job.createSent = false }
        apply(job.lifecycle.handle(.reconciled(answer)), to: &job, &step)
    }
}

extension TaskLifecycle.CreateFailure {
    /// The failure's class in the error taxonomy, as metrics and give-ups name it.
    var kind: CometAPIError.Kind {
        switch self {
        case .permanent: .permanent
        case .throttled: .throttled
        case .account: .account
        case .transient: .transient
        case .ambiguous: .ambiguous
        }
    }
}

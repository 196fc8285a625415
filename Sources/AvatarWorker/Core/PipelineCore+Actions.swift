import AvatarJobs
import CometAPI

/// The lifecycle's actions turned into state changes and commands: the one place a job's decisions meet the
/// partition's offsets and capacity, the create queue, the timer heap and the publisher.
extension PipelineCore {
    /// Performs `actions` for `job` in order (including what they lead to), then stores the job back, or forgets
    /// it once its lifecycle finished.
    mutating func apply(_ actions: [JobLifecycle.Action], to job: inout PipelineJob, _ step: inout Step) {
        var queue = actions[...]
        while let action = queue.popFirst() {
            queue += perform(action, for: &job, &step)[...]
        }
        if job.lifecycle.isFinished {
            jobs[job.record.jobID] = nil
            if let taskID = job.lifecycle.taskID, taskJobs[taskID] == job.record.jobID { taskJobs[taskID] = nil }
        } else {
            jobs[job.record.jobID] = job
            if job.createAwaitingJob != nil { updateFlow(of: job.partition, &step) }
        }
    }

    /// One action; returns the lifecycle's answer when the action fed it an event of the core's own (a give-up).
    private mutating func perform(
        _ action: JobLifecycle.Action, for job: inout PipelineJob, _ step: inout Step
    ) -> [JobLifecycle.Action] {
        let partition = job.partition
        switch action {
        case .occupySlot:
            if options.plantedBug == .restoredTasksTakeNoSlot && job.restored { return [] }
            adjustFlow(capacity.taskStarted(in: partition), of: partition, &step)
        case .releaseSlot:
            if options.plantedBug == .restoredTasksTakeNoSlot && job.restored { return [] }
            adjustFlow(capacity.taskEnded(in: partition), of: partition, &step)
        case .signalConcurrencyLimit:
            adjustFlow(capacity.concurrencyLimitHit(in: partition), of: partition, &step)
        case .signalCreateAccepted:
            adjustFlow(capacity.createAccepted(in: partition), of: partition, &step)
        case .writeLedger(let state):
            if state == .submitted, let taskID = job.lifecycle.taskID, job.record.state != .submitted {
                job.record = job.record.submitted(taskID: taskID, at: step.now.date)
            }
            writeLedger(for: &job, purpose: state == .submitted ? .submitted : .submitting, record: job.record, &step)
        case .callCreate(_, let attempt):
            if job.job == nil {
                job.createAwaitingJob = attempt
                owned[partition]?.awaitingMessage.insert(job.record.jobID)
            } else {
                enqueueCreate(&job)
            }
        case .scheduleRetry(let failures, let retryAfter):
            return scheduleRetry(for: &job, failures: failures, retryAfter: retryAfter, &step)
        case .signalAccountProblem(let failure):
            step.log(.error, "account problem: submissions paused until a probe create succeeds", job.logMetadata([
                "error": failure.description,
            ]))
            heldForAccount.append(job.ref)
        case .reconcile(let externalTaskID):
            let id = nextID()
            pending[id] = .reconcile(job.ref, partition)
            step.commands.append(.reconcile(id: id, externalTaskID: externalTaskID))
        case .markOffsetsDurable(let received):
            for offset in received {
                offsets.markDurable(offset: offset, partition: partition, epoch: job.epoch)
            }
            storeAdvancedOffset(of: partition, &step)
        case .startPolling(let taskID):
            // A task exists: no create can follow, so the payload (a base64 image or audio can be megabytes) is let
            // go; polling and the result need only the ledger record.
            job.job = nil
            taskJobs[taskID] = job.record.jobID
            progress(.submitted, of: &job, &step)
            startPolling(&job, &step)
        case .reschedulePoll(let outcome):
            reschedulePoll(&job, after: outcome, &step)
        case .stopPolling:
            job.poll = nil
        case .publishResult(let outcome, let withTombstone):
            publishResult(outcome, withTombstone: withTombstone, of: &job, &step)
        case .writeTombstone:
            guard let offset = job.lifecycle.pendingOffsets.first ?? Optional(job.record.jobOffset) else { return [] }
            if options.plantedBug == .tombstoneBeforeCommit || (owned[partition]?.committed ?? -1) > offset {
                // Covered by a commit already (or the planted mistake): written now.
                writeLedger(for: &job, purpose: .tombstone, record: nil, &step)
            } else {
                tombstones[partition, default: []].append(PendingTombstone(ref: job.ref, jobOffset: offset))
            }
        case .awaitPriorOwner:
            armPriorOwnerCheck(partition, epoch: job.epoch, after: options.priorOwnerGrace, &step)
        }
        return []
    }

    /// Writes a ledger record (or a tombstone, when `record` is nil) of `job`, after a backoff when the last write
    /// of the job failed.
    mutating func writeLedger(
        for job: inout PipelineJob, purpose: LedgerPurpose, record: AvatarTaskRecord?, _ step: inout Step
    ) {
        if job.writeFailures > 0, !(owned[job.partition]?.isHandingOver ?? false) {
            deferRetry(of: &job, .write(purpose, record), attempt: job.writeFailures, policy: options.writeRetry, &step)
            return
        }
        emitLedgerWrite(for: job, purpose: purpose, record: record, &step)
    }

    /// Writes a ledger record (or tombstone) of `job` now.
    mutating func emitLedgerWrite(
        for job: PipelineJob, purpose: LedgerPurpose, record: AvatarTaskRecord?, _ step: inout Step
    ) {
        let id = nextID()
        pending[id] = .ledger(job.ref, job.partition, purpose)
        step.commands.append(.writeLedger(id: id, LedgerWrite(partition: job.partition, jobID: job.record.jobID, record: record)))
    }

    /// Arms the job's retry timer to do `deferred` after the policy's backoff for `attempt`.
    mutating func deferRetry(
        of job: inout PipelineJob, _ deferred: PipelineJob.Deferred, attempt: Int, policy: RetryPolicy,
        retryAfter: Duration? = nil, _ step: inout Step
    ) {
        deferRetry(of: &job, deferred, after: policy.delay(afterAttempt: attempt, retryAfter: retryAfter, using: &random), &step)
    }

    mutating func deferRetry(of job: inout PipelineJob, _ deferred: PipelineJob.Deferred, after delay: Duration, _ step: inout Step) {
        job.timerToken += 1
        job.deferred = deferred
        timers.arm(.retry(job.ref, token: job.timerToken), at: step.now.advanced(by: delay))
    }

    /// Decides when (and whether) a throttled or transiently failed create or query runs again: the one place
    /// retries, backoff and the submission deadline meet.
    private mutating func scheduleRetry(
        for job: inout PipelineJob, failures: Int, retryAfter: Duration?, _ step: inout Step
    ) -> [JobLifecycle.Action] {
        let decision = options.createRetry.decision(
            afterAttempt: failures, retryAfter: retryAfter, now: step.now.date, deadline: job.record.submitDeadline,
            using: &random)
        switch decision {
        case .retry(let delay):
            deferRetry(of: &job, .retryDue, after: delay, &step)
            return []
        case .giveUp(.attemptsExhausted(let attempts)):
            let kind = job.lastCreateFailure ?? "transient"
            return job.lifecycle.handle(.gaveUp(TaskFailure(
                code: TaskFailure.apiUnavailableCode,
                message: "the API kept refusing the create (\(kind)); gave up after \(attempts) attempts")))
        case .giveUp:
            return job.lifecycle.handle(.gaveUp(.deadlineExceeded(.submission)))
        }
    }

    /// Queues the job's create for a create slot and the account gate.
    mutating func enqueueCreate(_ job: inout PipelineJob) {
        guard !job.queuedForCreate else { return }
        job.queuedForCreate = true
        createQueue.append(job.ref)
    }

    /// Stores the partition's committable offset when it advanced (at-least-once mode; in exactly-once mode
    /// offsets are committed only by transactions, so nothing is stored for auto-commit to pick up).
    mutating func storeAdvancedOffset(of partition: Int32, _ step: inout Step) {
        guard !options.exactlyOnce, var owned = owned[partition],
              let offset = offsets.offsetToStore(for: partition),
              offset > (owned.committed ?? 0)  // storing what is committed already would only cost a commit
        else { return }
        owned.stored = offset
        self.owned[partition] = owned
        step.commands.append(.storeOffset(partition: partition, offset: offset, kafkaEpoch: owned.kafkaEpoch))
    }

    /// Follows a capacity change: the partition's flow, and the capacity gauge.
    mutating func adjustFlow(_ actions: [InFlightCapacity.Action], of partition: Int32, _ step: inout Step) {
        updateFlow(of: partition, &step)
        if let inFlight = capacity.inFlight(of: partition), let limit = capacity.limit(of: partition) {
            step.observe(.partitionCapacity(
                partition: partition, inFlight: inFlight, limit: limit, share: capacity.share(of: partition)))
        }
    }

    /// Pauses an active partition whose share is full and resumes it when a slot frees, unless a restored job of
    /// it waits for its message (then it keeps flowing; what arrives meanwhile waits for a slot). A partition
    /// restoring or being handed over stays paused.
    mutating func updateFlow(of partition: Int32, _ step: inout Step) {
        guard var owned = owned[partition], owned.phase == .active else { return }
        owned.awaitingMessage = owned.awaitingMessage.filter { jobs[$0]?.createAwaitingJob != nil && jobs[$0]?.epoch == owned.epoch }
        let pause = !capacity.hasFreeSlot(in: partition) && owned.awaitingMessage.isEmpty
        if pause != owned.flowPaused {
            owned.flowPaused = pause
            step.commands.append(pause ? .pause(partition) : .resume(partition))
        }
        self.owned[partition] = owned
    }
}

extension PipelineJob {
    /// The log context of this job (``JobLogContext``): `job_id`, `partition`, `offset`, `task_id` when known, and
    /// `trace_id` from the job's `traceparent`; `extra` keys never overwrite them.
    func logMetadata(_ extra: [String: String] = [:]) -> [String: String] {
        let context = JobLogContext(
            jobID: record.jobID, partition: partition, offset: record.jobOffset, traceparent: record.traceparent,
            taskID: lifecycle.taskID ?? record.taskID)
        return extra.merging(context.fields) { _, job in job }
    }
}

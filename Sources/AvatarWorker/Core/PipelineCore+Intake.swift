import AvatarJobs
import DequeModule

/// Intake: every consumed message becomes a tracked job, a rejection or a dead letter; none blocks its partition.
extension PipelineCore {
    mutating func consumed(_ message: ConsumedMessage, _ step: inout Step) {
        guard var partition = owned[message.partition], partition.kafkaEpoch == message.kafkaEpoch, !draining else { return }
        switch partition.phase {
        case .restoring:
            // The partition is paused before any of its messages is delivered; records of a batch fetched just
            // before the pause still wait for the restore, so they are matched against the ledger first.
            partition.heldMessages.append(message)
            owned[message.partition] = partition
            return
        case .handingOver, .handedOver:
            // Never stored: the next owner gets it again from the committed offset.
            return
        case .active:
            break
        }
        let epoch = partition.epoch
        guard offsets.received(offset: message.offset, partition: message.partition, epoch: epoch) == .accepted else { return }
        step.observe(.consumed)
        if case .valid = message.intake {} else if isRestoredRejection(partition: message.partition, offset: message.offset) {
            // Its previous owner published the rejection already (and left a marker): only its offset moves on.
            offsets.markDurable(offset: message.offset, partition: message.partition, epoch: epoch)
            storeAdvancedOffset(of: message.partition, &step)
            return
        }
        switch message.intake {
        case .unreadable(let code, let reason, let jobID):
            step.observe(.deadLettered(code: code))
            var fields = ["partition": "\(message.partition)", "offset": "\(message.offset)", "code": code]
            if let jobID {
                fields.merge(JobLogContext(
                    jobID: jobID, partition: message.partition, offset: message.offset,
                    traceparent: message.traceparent).fields) { _, job in job }
            }
            step.log(.warning, "unreadable message dead-lettered", fields)
            var records: [OutgoingRecord] = [.deadLetter(DeadLetter(
                raw: message.raw, code: code, reason: reason, partition: message.partition, offset: message.offset))]
            if let jobID {
                step.observe(.rejected(code: code))
                records.append(.result(
                    rejection(jobID: jobID, error: ResultError(code: code, message: reason, retryable: false), step),
                    traceparent: message.traceparent))
            }
            send(QueuedPublication(
                kind: .direct(offset: message.offset, resultType: jobID == nil ? nil : .failed),
                partition: message.partition, epoch: epoch, records: records, coveredOffset: nil), &step)
        case .invalid(let failure):
            let code = failure.errors.first?.code.rawValue ?? "job.invalid"
            step.observe(.rejected(code: code))
            let jobID = failure.jobID ?? message.raw.key.map { String(decoding: $0, as: UTF8.self) } ?? ""
            step.log(.info, "job rejected", JobLogContext(
                jobID: jobID, partition: message.partition, offset: message.offset, traceparent: message.traceparent
            ).fields.merging(["code": code]) { job, _ in job })
            send(QueuedPublication(
                kind: .direct(offset: message.offset, resultType: .failed), partition: message.partition, epoch: epoch,
                records: [.result(rejection(jobID: jobID, error: ResultError(validation: failure), step),
                                  traceparent: message.traceparent)],
                coveredOffset: nil), &step)
        case .valid(let validated):
            accept(WaitingJob(job: validated, offset: message.offset, traceparent: message.traceparent,
                              receivedAt: step.now),
                   partition: message.partition, epoch: epoch, &step)
        }
    }

    /// A valid job: matched by `job_id` against the jobs already tracked (restored from the ledger or in flight), so
    /// a redelivered job never starts a second submission; otherwise a new job, or one waiting for a free slot.
    mutating func accept(_ waiting: WaitingJob, partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        let jobID = waiting.job.job.jobID
        if var tracked = jobs[jobID] {
            guard tracked.partition == partition, tracked.epoch == epoch else {
                step.log(.warning, "job id already tracked on another partition; this copy is dropped", [
                    "job_id": jobID, "partition": "\(partition)", "offset": "\(waiting.offset)",
                ])
                offsets.markDurable(offset: waiting.offset, partition: partition, epoch: epoch)
                storeAdvancedOffset(of: partition, &step)
                return
            }
            if tracked.job == nil {
                // Only a job that may still create keeps the payload (see `.startPolling`).
                if tracked.lifecycle.taskID == nil { tracked.job = waiting.job }
                tracked.receivedAt = waiting.receivedAt
                if tracked.createAwaitingJob != nil {
                    tracked.createAwaitingJob = nil
                    enqueueCreate(&tracked)
                    jobs[jobID] = tracked
                    updateFlow(of: partition, &step)
                }
            }
            apply(tracked.lifecycle.handle(.redelivered(offset: waiting.offset)), to: &tracked, &step)
            return
        }
        guard capacity.hasFreeSlot(in: partition) else {
            self.waiting[partition, default: []].append(waiting)
            return
        }
        start(waiting, partition: partition, epoch: epoch, &step)
    }

    /// Enters a new job into submission: its `submitting` record first.
    mutating func start(_ waiting: WaitingJob, partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        let validated = waiting.job
        let now = waiting.receivedAt.date
        let record = AvatarTaskRecord(
            submitting: validated, attempt: 1, partition: Int(partition), offset: waiting.offset, now: now,
            submitDeadline: now.addingTimeInterval(options.submissionDeadline.inSeconds),
            traceparent: waiting.traceparent, worker: options.worker)
        let (lifecycle, actions) = JobLifecycle.received(
            jobID: validated.job.jobID, externalTaskID: record.externalTaskID, offset: waiting.offset, validity: .valid,
            options: options.lifecycle)
        var job = PipelineJob(lifecycle: lifecycle, partition: partition, epoch: epoch, record: record, job: validated)
        job.receivedAt = waiting.receivedAt
        armDeadlines(of: job)
        apply(actions, to: &job, &step)
    }

    /// Starts waiting jobs while their partition's share has free slots (never while draining: a waiting job's
    /// offset was never stored, so the group delivers it again to the next owner).
    mutating func startWaitingJobs(_ step: inout Step) {
        guard !waiting.isEmpty, !draining else { return }
        for partition in waiting.keys.sorted() {
            guard let epoch = owned[partition]?.epoch, isActive(partition, epoch: epoch) else { continue }
            while capacity.hasFreeSlot(in: partition), let next = waiting[partition]?.popFirst() {
                accept(next, partition: partition, epoch: epoch, &step)
            }
            if waiting[partition]?.isEmpty == true { waiting[partition] = nil }
        }
    }

    /// Arms the job's submission and total deadline timers (from its record, so a restored job keeps its original
    /// deadlines).
    mutating func armDeadlines(of job: PipelineJob) {
        timers.arm(.deadline(job.ref, .submission), at: WallClock.Instant(job.record.submitDeadline))
        timers.arm(.deadline(job.ref, .total), at: WallClock.Instant(job.record.deadline))
    }

    /// The failed event of a job refused before submission.
    func rejection(jobID: String, error: ResultError, _ step: Step) -> AvatarResultEvent {
        var event = AvatarResultEvent(type: .failed, jobID: jobID, attempt: 0, occurredAt: step.now.date, worker: options.worker)
        event.error = error
        return event
    }
}

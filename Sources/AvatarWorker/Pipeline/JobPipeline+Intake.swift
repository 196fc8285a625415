import AvatarJobs
import Foundation
import Kafka

/// Intake: every consumed message becomes a tracked job, a rejection or a DLQ entry; none blocks its partition.
extension JobPipeline {
    /// What a message turned out to be.
    enum Intake: Sendable {
        /// A job ready for submission.
        case valid(ValidatedJob)
        /// A job that breaks the contract: a failed event with the validation codes.
        case invalid(JobValidationFailure)
        /// Not readable as a job at all: DLQ, and a failed event when a `job_id` could be recovered.
        case unreadable(code: String, reason: String, jobID: String?)
    }

    /// Reads `message` as a job.
    func classify(_ message: KafkaConsumerMessage) -> Intake {
        guard let value = message.value else {
            return .unreadable(code: "job.tombstone", reason: "a tombstone (null value) is not a job", jobID: nil)
        }
        if value.count > configuration.maxMessageBytes {
            return .unreadable(
                code: JobValidationError.Code.messageTooLarge.rawValue,
                reason: "the message has \(value.count) bytes, more than the limit of \(configuration.maxMessageBytes)",
                jobID: JobIDRecovery.recover(from: value))
        }
        switch validator.validate(value) {
        case .success(let job):
            return .valid(job)
        case .failure(let failure):
            let first = failure.errors[0]
            let structural: Set<JobValidationError.Code> = [.notJSON, .notObject, .messageTooLarge]
            if failure.jobID == nil || structural.contains(first.code) {
                return .unreadable(
                    code: first.code.rawValue, reason: first.message,
                    jobID: failure.jobID ?? JobIDRecovery.recover(from: value))
            }
            return .invalid(failure)
        }
    }

    /// Takes one consumed message: classifies it and starts its job, or queues its rejection or DLQ entry.
    func receive(_ message: KafkaConsumerMessage) {
        metrics.jobsReceived.increment()
        let intake = classify(message)
        let partition = message.partition
        let effects = state.withLock { state -> [PipelineEffect] in
            guard state.kafkaEpochs[partition] == message.epoch, let epoch = state.offsets.epoch(of: partition),
                  let received = state.offsets.received(offset: message.offset, partition: partition, epoch: epoch)
            else { return [] }
            guard received == .accepted else { return [] }
            switch intake {
            case .unreadable(let code, let reason, let jobID):
                metrics.dlqMessages.increment()
                var messages = [self.messages.deadLetter(message, code: code, reason: reason)]
                if let jobID, let failed = try? self.messages.result(
                    rejection(jobID: jobID, error: ResultError(code: code, message: reason, retryable: false)),
                    traceparent: message.header("traceparent")?.text)
                {
                    messages.append(failed)
                }
                state.publications.append(Publication(
                    messages: messages, partition: partition, epoch: epoch, jobID: nil, directOffset: message.offset,
                    coveredOffset: nil, resultType: jobID == nil ? nil : "failed", deadLettered: true))
                return [.wakePublisher]
            case .invalid(let failure):
                metrics.jobsInvalid.increment()
                guard let jobID = failure.jobID, let failed = try? self.messages.result(
                    rejection(jobID: jobID, error: ResultError(validation: failure)),
                    traceparent: message.header("traceparent")?.text)
                else { return [] }
                state.publications.append(Publication(
                    messages: [failed], partition: partition, epoch: epoch, jobID: nil, directOffset: message.offset,
                    coveredOffset: nil, resultType: "failed", deadLettered: false))
                return [.wakePublisher]
            case .valid(let validated):
                let waiting = WaitingJob(
                    job: validated, offset: message.offset, traceparent: message.header("traceparent")?.text,
                    receivedAt: Date())
                return accept(waiting, partition: partition, epoch: epoch, state: &state)
            }
        }
        perform(effects)
    }

    /// A valid job: matched by `job_id` against the jobs already tracked (restored from the ledger or in flight), so
    /// a redelivered job never starts a second submission; otherwise a new job entering submission.
    /// A job that finds its partition at its full share waits (see `PipelineState.waiting`).
    func accept(
        _ waiting: WaitingJob, partition: Int32, epoch: AssignmentEpoch, state: inout PipelineState
    ) -> [PipelineEffect] {
        let validated = waiting.job
        let jobID = validated.job.jobID
        let offset = waiting.offset
        if var tracked = state.jobs[jobID] {
            guard tracked.partition == partition, tracked.epoch == epoch else {
                logger.warning("job id already tracked on another partition; dropping this copy", metadata: [
                    "job_id": "\(jobID)", "partition": "\(partition)", "offset": "\(offset)",
                ])
                state.offsets.markDurable(offset: offset, partition: partition, epoch: epoch)
                storeAdvancedOffset(of: partition, state: &state)
                return []
            }
            var effects: [PipelineEffect] = []
            if tracked.job == nil {
                tracked.job = validated
                if tracked.createAwaitingJob != nil {
                    tracked.createAwaitingJob = nil
                    effects.append(.create(
                        jobID: jobID, epoch: epoch, job: validated, externalTaskID: tracked.lifecycle.externalTaskID))
                }
            }
            let actions = tracked.lifecycle.handle(.redelivered(offset: offset))
            return effects + apply(actions, to: &tracked, state: &state).effects
        }
        guard state.capacity.hasFreeSlot(in: partition) else {
            state.waiting[partition, default: []].append(waiting)
            return []
        }
        let now = waiting.receivedAt
        let record = AvatarTaskRecord(
            submitting: validated, attempt: 1, partition: Int(partition), offset: offset, now: now,
            submitDeadline: now.addingTimeInterval(configuration.submissionDeadline.inSeconds),
            traceparent: waiting.traceparent, worker: worker)
        let (lifecycle, actions) = JobLifecycle.received(
            jobID: jobID, externalTaskID: record.externalTaskID, offset: offset, validity: .valid,
            options: options)
        var tracked = TrackedJob(lifecycle: lifecycle, partition: partition, epoch: epoch, record: record, job: validated)
        tracked.timers = deadlineTimers(for: record, jobID: jobID, epoch: epoch)
        return apply(actions, to: &tracked, state: &state).effects
    }

    /// Starts waiting jobs of `partition` while its share has free slots.
    func startWaitingJobs(in partition: Int32, state: inout PipelineState) -> [PipelineEffect] {
        var effects: [PipelineEffect] = []
        // Draining: a waiting job's offset was never stored, so the group delivers it again to the next owner.
        guard !state.draining else { return effects }
        while state.capacity.hasFreeSlot(in: partition), let epoch = state.offsets.epoch(of: partition),
              var queue = state.waiting[partition], !queue.isEmpty
        {
            let next = queue.removeFirst()
            state.waiting[partition] = queue
            effects += accept(next, partition: partition, epoch: epoch, state: &state)
        }
        return effects
    }

    /// Timers that feed the job's submission and total deadlines to its lifecycle.
    func deadlineTimers(for record: AvatarTaskRecord, jobID: String, epoch: AssignmentEpoch) -> [Task<Void, Never>] {
        [(DeadlineKind.submission, record.submitDeadline), (.total, record.deadline)].map { kind, date in
            Task {
                do {
                    try await Task.sleep(for: .seconds(max(0, date.timeIntervalSinceNow)))
                } catch {
                    return
                }
                self.handle(.deadlinePassed(kind), jobID: jobID, epoch: epoch)
            }
        }
    }

    /// The failed event of a job refused before submission.
    func rejection(jobID: String, error: ResultError) -> AvatarResultEvent {
        var event = AvatarResultEvent(type: .failed, jobID: jobID, attempt: 0, occurredAt: Date(), worker: worker)
        event.error = error
        return event
    }
}

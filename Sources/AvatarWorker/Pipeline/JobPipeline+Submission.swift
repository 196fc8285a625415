import AvatarJobs
import CometAPI
import Foundation
import Kafka

/// Submission: ledger writes, the create call (gate, limiter, classification), reconciliation and the account hold.
extension JobPipeline {
    /// Writes a ledger record and reports the ack; a failed write is reported so the lifecycle writes it again.
    func writeLedger(_ record: AvatarTaskRecord, jobID: String, epoch: AssignmentEpoch) async {
        do {
            let message = try messages.ledger(record, partition: Int32(record.jobPartition))
            _ = try await ledgerProducer.send(message)
        } catch {
            logger.error("ledger write failed; retrying", metadata: [
                "job_id": "\(jobID)", "state": "\(record.state.rawValue)", "error": "\(error)",
            ])
            try? await Task.sleep(for: .seconds(1))
            handle(.writeFailed, jobID: jobID, epoch: epoch)
            return
        }
        switch record.state {
        case .submitting:
            failpoints.reached(.afterSubmitting)
            handle(.submittingRecorded, jobID: jobID, epoch: epoch)
        case .submitted:
            handle(.submittedRecorded, jobID: jobID, epoch: epoch)
        }
    }

    /// Calls create once: waits for the account gate and a limiter permit, then classifies the answer.
    func create(_ job: ValidatedJob, externalTaskID: String, jobID: String, epoch: AssignmentEpoch) async {
        state.withLock { $0.createsInFlight += 1 }
        defer { state.withLock { $0.createsInFlight -= 1 } }
        guard let isProbe = await waitForGate(jobID: jobID, epoch: epoch),
              let permit = try? await limiter.acquire()
        else { return }
        let request = AvatarTaskRequest(
            image: job.job.image.apiValue, speech: Self.speech(of: job.job.audio), prompt: job.job.prompt ?? "",
            mode: job.job.mode == .pro ? .professional : .standard, watermark: job.job.watermark,
            callbackURL: job.job.callbackURL, externalTaskID: externalTaskID)
        let created: CreatedAvatarTask
        do {
            created = try await client.createAvatarTask(request)
        } catch {
            if error.kind == .throttled && error.businessCode == 1303 {
                limiter.recordThrottled(permit)
            } else {
                limiter.release(permit)
            }
            recordGate(SubmissionGate<ContinuousClock.Instant>.Outcome(error), probe: isProbe)
            metrics.apiError(error)
            logger.warning("create failed", metadata: ["job_id": "\(jobID)", "error": "\(error)"])
            state.withLock { state in state.jobs[jobID]?.apiFailure = Self.details(of: error) }
            handle(.createFailed(Self.createFailure(error)), jobID: jobID, epoch: epoch)
            return
        }
        limiter.recordAccepted(permit)
        limiter.release(permit)
        recordGate(.accepted, probe: isProbe)
        metrics.tasksCreated.increment()
        failpoints.reached(.afterCreate)
        let stillOwned = state.withLock { $0.job(jobID, epoch: epoch) != nil }
        if stillOwned {
            handle(.created(taskID: created.taskID), jobID: jobID, epoch: epoch)
        } else {
            await recordCreatedAfterRevoke(jobID: jobID, taskID: created.taskID, epoch: epoch)
        }
    }

    /// The partition moved on while the create was in flight: the task exists all the same, so the `submitted` record
    /// is still written (it is true whoever owns the partition), sparing the next owner an ambiguous `submitting`.
    private func recordCreatedAfterRevoke(jobID: String, taskID: String, epoch: AssignmentEpoch) async {
        let record = state.withLock { $0.jobs[jobID]?.record }
        guard let record, record.state == .submitting else { return }
        _ = try? await ledgerProducer.send(messages.ledger(
            record.submitted(taskID: taskID, at: Date()), partition: Int32(record.jobPartition)))
    }

    /// Waits while the account gate is closed; returns whether this call is the gate's probe, or nil when the job
    /// left this worker meanwhile.
    private func waitForGate(jobID: String, epoch: AssignmentEpoch) async -> Bool? {
        while true {
            switch gate.permission() {
            case .submit:
                return false
            case .probe:
                return true
            case .wait(let until):
                let wait = until.map { ContinuousClock.now.duration(to: $0) } ?? .milliseconds(200)
                try? await Task.sleep(for: max(.milliseconds(10), min(wait, .seconds(1))))
                guard state.withLock({ $0.job(jobID, epoch: epoch) != nil }) else { return nil }
            }
        }
    }

    private func recordGate(_ outcome: SubmissionGate<ContinuousClock.Instant>.Outcome, probe: Bool) {
        if probe {
            if gate.recordProbe(outcome) { logger.notice("account gate open again: submissions resume") }
        } else if gate.record(outcome) {
            logger.error("account gate closed: submissions paused", metadata: ["outcome": "\(outcome)"])
        }
    }

    /// Holds a job after an account error until the gate has had time to probe, then lets it try again (the retried
    /// create waits at the gate itself).
    func holdForAccount(jobID: String, epoch: AssignmentEpoch) async {
        try? await Task.sleep(for: configuration.accountProbeInterval)
        handle(.accountGateOpened, jobID: jobID, epoch: epoch)
    }

    /// Queries by `external_task_id` to learn whether an ambiguous create made a task.
    func reconcile(externalTaskID: String, jobID: String, epoch: AssignmentEpoch) async {
        let answer: JobLifecycle.Reconciliation
        if !client.configuration.supportsQueryByExternalTaskID {
            answer = .unsupported
        } else {
            do {
                let task = try await client.queryAvatarTask(externalTaskID: externalTaskID)
                answer = .found(taskID: task.taskID)
            } catch {
                metrics.apiError(error)
                if error.httpStatus == 404 || error.businessCode == 1203 {
                    answer = .notFound
                } else if error.kind == .permanent {
                    answer = .unsupported
                } else {
                    answer = .failedTransiently(retryAfter: error.retryAfter?.delay(from: Date()))
                }
            }
        }
        handle(.reconciled(answer), jobID: jobID, epoch: epoch)
    }

    /// The API's speech field for the job's audio.
    static func speech(of audio: AudioInput) -> AvatarSpeech {
        switch audio {
        case .audioID(let id): .audioID(id)
        case .soundFile(let media): .soundFile(media.apiValue)
        }
    }

    /// The lifecycle's view of a create error.
    static func createFailure(_ error: CometAPIError) -> JobLifecycle.CreateFailure {
        let retryAfter = error.retryAfter?.delay(from: Date())
        switch error.kind {
        case .permanent:
            return .permanent(TaskFailure(code: "api.permanent", message: error.description))
        case .throttled:
            return .throttled(retryAfter: retryAfter, concurrencyLimit: error.businessCode == 1303)
        case .account:
            return .account(TaskFailure(code: "api.account", message: error.description))
        case .transient:
            return .transient(retryAfter: retryAfter)
        case .ambiguous:
            return .ambiguous(reason: error.message)
        }
    }

    /// The result event's `error.api` for an API error.
    static func details(of error: CometAPIError) -> ResultError.APIDetails {
        ResultError.APIDetails(
            httpStatus: error.httpStatus, code: error.businessCode, message: error.message, requestID: error.requestID)
    }
}

import AvatarJobs
import CometAPI
import Foundation

/// Polling: one query per due task, its answer fed to the job's lifecycle, the task handed back to the scheduler.
extension JobPipeline {
    /// Polls `due` and hands it back to the scheduler exactly once, whatever happens.
    func poll(_ due: PollScheduler<ContinuousClock>.DueTask) async {
        let report: JobLifecycle.PollReport
        var apiFailure: ResultError.APIDetails?
        var processing = false
        do {
            let task = try await client.queryAvatarTask(taskID: due.taskID)
            processing = task.status == .processing
            report = Self.report(for: task)
        } catch {
            metrics.apiError(error)
            if error.kind == .permanent {
                apiFailure = Self.details(of: error)
                report = .failed(TaskFailure(code: "api.permanent", message: error.description))
            } else {
                report = .transientError(retryAfter: error.retryAfter?.delay(from: Date()))
            }
        }
        if report == .running { failpoints.reached(.whilePolling) }
        let (outcome, effects) = state.withLock { state -> (PollOutcome?, [PipelineEffect]) in
            guard let jobID = state.taskJobs[due.taskID], var job = state.job(jobID, epoch: due.epoch) else {
                return (nil, [])
            }
            if let apiFailure { job.apiFailure = apiFailure }
            let progress = processing ? progressPublication(.processing, job: &job, state: &state) : []
            let actions = job.lifecycle.handle(.polled(report))
            let applied = apply(actions, to: &job, state: &state)
            return (applied.pollOutcome, progress + applied.effects)
        }
        perform(effects)
        await scheduler.reschedule(due, after: outcome ?? .finished)
    }

    /// The scheduler reports that a task's total deadline passed.
    func deadlineExceeded(_ due: PollScheduler<ContinuousClock>.DueTask) {
        guard let jobID = state.withLock({ $0.taskJobs[due.taskID] }) else { return }
        handle(.deadlinePassed(.total), jobID: jobID, epoch: due.epoch)
    }

    /// Marks that the callback for `taskID` arrived: poll it now.
    func callbackArrived(taskID: String) async -> Bool {
        await scheduler.hint(taskID: taskID)
    }

    /// The lifecycle's view of a queried task.
    static func report(for task: AvatarTask) -> JobLifecycle.PollReport {
        switch task.status {
        case .submitted, .processing:
            return .running
        case .failed:
            return .failed(TaskFailure(code: "task.failed", message: task.statusMessage ?? "the task ended failed"))
        case .succeeded:
            guard !task.videos.isEmpty else {
                return .failed(TaskFailure(code: "task.no_video", message: "the task succeeded without a video URL"))
            }
            let videos = task.videos.map {
                AvatarResultEvent.Video(
                    id: $0.id ?? task.taskID, url: $0.url, watermarkURL: $0.watermarkURL, durationSeconds: $0.durationSeconds)
            }
            let usage = AvatarResultEvent.Usage(
                unitDeduction: task.finalUnitDeduction, balanceQuota: task.finalBalanceDeduction?.quota,
                balanceListPrice: task.finalBalanceDeduction?.listPrice, videoSeconds: task.videos.first?.durationSeconds)
            return .succeeded(PollSuccess(videos: videos, usage: usage, completedAt: task.updatedAt ?? Date()))
        }
    }
}

import AvatarJobs
import AvatarWorker
import CometAPI

/// The simulated CometAPI: creates that succeed, fail by every class of the taxonomy or succeed with the answer
/// lost; 1303 at the account's parallel limit (the fleet cap plus what other users of the account hold); account
/// outages; tasks that run for a while and end; queries by task id and by `external_task_id`.
extension SimulatedWorld {
    func apiCreate(_ create: PendingCreate) {
        let slot = create.slot
        let incarnation = create.incarnation
        let jobIndex = jobIndexByExternalID[create.call.externalTaskID]
        let jobID = jobIndex.map { jobs[$0].id }
        func reply(_ answer: PipelineCore.CreateAnswer, after delay: Double? = nil) {
            note(jobID, "API answers the create of \(workers[slot].name): \(answer)")
            schedule(.feed(slot: slot, incarnation: incarnation, .createAnswered(id: create.id, answer)),
                     at: now + (delay ?? apiLatency()))
        }
        func details(_ status: Int, _ code: Int?) -> ResultError.APIDetails {
            ResultError.APIDetails(httpStatus: status, code: code, message: "simulated", requestID: nil)
        }
        if faultsOn && chance(scenario.createResetBeforeRead) {
            faults.count("create reset before the request was read")
            reply(.failed(.transient(retryAfter: nil), api: nil))
            return
        }
        if faultsOn && chance(scenario.createTransient) {
            faults.count("create 5xx")
            reply(.failed(.transient(retryAfter: nil), api: details(503, 5000)))
            return
        }
        if faultsOn && chance(scenario.createThrottled) {
            faults.count("create 1302")
            reply(.failed(.throttled(retryAfter: .seconds(1), concurrencyLimit: false), api: details(429, 1302)))
            return
        }
        if faultsOn, scenario.accountOutages.contains(where: { now >= $0.start && now < $0.start + $0.seconds }) {
            faults.count("create 1101 (account)")
            reply(.failed(.account(TaskFailure(code: "api.account", message: "account in arrears")), api: details(400, 1101)))
            return
        }
        if let jobIndex, jobs[jobIndex].poison {
            faults.count("create 1201 (permanent)")
            reply(.failed(.permanent(TaskFailure(code: "api.permanent", message: "invalid parameters")), api: details(400, 1201)))
            return
        }
        while let first = runningFinishTimes.min, first <= now { runningFinishTimes.removeMin() }
        let foreign = faultsOn ? scenario.foreignLoad.filter { now >= $0.start && now < $0.start + $0.seconds }
            .reduce(0) { $0 + $1.tasks } : 0
        if runningFinishTimes.count + foreign >= scenario.fleetCap + 2 {
            faults.count("create 1303 (parallel limit)")
            reply(.failed(.throttled(retryAfter: .seconds(1), concurrencyLimit: true), api: details(429, 1303)))
            return
        }
        // The task is created.
        taskCounter += 1
        let taskID = "task-\(taskCounter)"
        let mode = jobIndex.map { jobs[$0].mode } ?? .std
        let duration = mode == .pro ? uniform(5...60) : uniform(2...40)
        let task = SimulatedTask(
            taskID: taskID, job: jobIndex ?? -1, createdAt: now, finishesAt: now + duration,
            succeeds: !chance(scenario.taskFailure))
        tasks[taskID] = task
        taskByExternalID[create.call.externalTaskID] = taskID
        runningFinishTimes.insert(task.finishesAt)
        note(jobID, "API creates \(taskID) for \(workers[slot].name)")
        if let jobIndex {
            jobs[jobIndex].tasksCreated += 1
            checks.taskCreated(job: jobs[jobIndex], world: self)
        }
        if faultsOn && chance(scenario.createAnswerLost) {
            faults.count("create answer lost after the task was created")
            if let jobIndex { jobs[jobIndex].answerLost = true }
            reply(.failed(.ambiguous(reason: "the request timed out"), api: nil), after: scenario.requestTimeout)
            return
        }
        reply(.created(taskID: taskID))
    }

    func apiQuery(_ slot: Int, _ incarnation: Int, _ id: UInt64, _ taskID: String) {
        let answer: PipelineCore.PollAnswer
        if faultsOn && chance(scenario.pollTransient) {
            faults.count("poll 5xx")
            answer = PipelineCore.PollAnswer(report: .transientError(retryAfter: nil))
        } else if let task = tasks[taskID] {
            if now < task.finishesAt {
                answer = PipelineCore.PollAnswer(report: .running, processing: now > task.createdAt + 2)
            } else if task.succeeds {
                answer = PipelineCore.PollAnswer(report: .succeeded(PollSuccess(
                    videos: [AvatarResultEvent.Video(id: taskID, url: "https://cdn.example/\(taskID).mp4", durationSeconds: 5)],
                    completedAt: epoch.addingTimeInterval(task.finishesAt))))
            } else {
                answer = PipelineCore.PollAnswer(report: .failed(TaskFailure(code: "task.failed", message: "render failed")))
            }
        } else {
            answer = PipelineCore.PollAnswer(
                report: .failed(TaskFailure(code: "api.permanent", message: "unknown task")),
                apiFailure: ResultError.APIDetails(httpStatus: 404, code: 1203, message: "not found", requestID: nil))
        }
        schedule(.feed(slot: slot, incarnation: incarnation, .polled(id: id, answer)), at: now + apiLatency())
    }

    func apiReconcile(_ slot: Int, _ incarnation: Int, _ id: UInt64, _ externalTaskID: String) {
        let answer: JobLifecycle.Reconciliation
        if !scenario.queryByExternalID {
            answer = .unsupported
        } else if faultsOn && chance(scenario.pollTransient) {
            answer = .failedTransiently(retryAfter: nil)
        } else if let taskID = taskByExternalID[externalTaskID] {
            answer = .found(taskID: taskID)
        } else {
            answer = .notFound
        }
        schedule(.feed(slot: slot, incarnation: incarnation, .reconciled(id: id, answer)), at: now + apiLatency())
    }
}

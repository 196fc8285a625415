import AvatarJobs

/// Polling: each polling job's next due time is an entry of the timer heap; due polls wait for a poll slot and the
/// global request budget; answers feed the job's lifecycle, which says when to poll next.
extension PipelineCore {
    /// Starts polling a task just recorded `submitted` (or restored): the first poll after the mode's delay from
    /// submission, at once when that lies in the past.
    mutating func startPolling(_ job: inout PipelineJob, _ step: inout Step) {
        let mode = PollMode(rawValue: job.record.mode.rawValue) ?? .std
        let submittedAt = job.record.submittedAt.map(WallClock.Instant.init) ?? step.now
        job.poll = PipelineJob.PollState(token: 0, submittedAt: submittedAt, mode: mode)
        let first = submittedAt.advanced(by: options.pollPolicy.firstPollDelay(for: mode, using: &random))
        schedulePoll(&job, at: max(first, step.now))
    }

    /// Makes the job's next poll due at `instant`.
    mutating func schedulePoll(_ job: inout PipelineJob, at instant: WallClock.Instant) {
        guard var poll = job.poll else { return }
        poll.token += 1
        job.poll = poll
        timers.arm(.poll(job.ref, token: poll.token), at: instant)
    }

    /// A poll timer fired: the poll joins the ready queue (it is sent once a slot and a budget token are free).
    mutating func pollDue(_ ref: JobRef, token: UInt64) {
        guard let job = job(ref), let poll = job.poll, poll.token == token, poll.lease == nil else { return }
        readyPolls.append(ref)
    }

    /// The shortest wait for the poll budget to refill. A budget-bound worker (more tasks due than the budget allows)
    /// would otherwise wake for every token, 500 times a second at a 500/s budget, and each wake-up of the timer loop
    /// costs more CPU than the poll it sends (`perf` during `bench capacity`: the timer loop and dispatch's timer
    /// threads were a fifth of the worker's samples). Waking at most every 10 ms sends the tokens that accrued
    /// meanwhile together, up to the budget's burst, so the rate and the burst still hold. It is also at least a
    /// millisecond, which a wall-clock instant needs: a wait that rounds to now would fire again at once.
    static let budgetWakeFloor: Duration = .milliseconds(10)

    /// Sends ready polls while poll slots are free and the budget has tokens.
    mutating func dispatchPolls(_ step: inout Step) {
        while pollsInFlight < options.pollLimits.maxConcurrentPolls, let ref = readyPolls.first {
            guard var job = job(ref), var poll = job.poll, poll.lease == nil, let taskID = job.lifecycle.taskID,
                  isActive(job.partition, epoch: ref.epoch), !draining
            else {
                readyPolls.removeFirst()
                continue
            }
            if let wait = budget.take(at: step.now) {
                if !budgetTimerArmed {
                    budgetTimerArmed = true
                    timers.arm(.pollBudget, at: step.now.advanced(by: max(wait, Self.budgetWakeFloor)))
                }
                return
            }
            readyPolls.removeFirst()
            let id = nextID()
            poll.lease = id
            job.poll = poll
            job.polls += 1
            jobs[ref.jobID] = job
            pending[id] = .poll(ref, sentAt: step.now)
            pollsInFlight += 1
            step.commands.append(.query(id: id, taskID: taskID))
        }
    }

    mutating func polled(_ id: UInt64, _ answer: PollAnswer, _ step: inout Step) {
        guard case .poll(let ref, let sentAt)? = pending.removeValue(forKey: id) else { return }
        pollsInFlight -= 1
        step.observe(.pollFinished(seconds: sentAt.duration(to: step.now).inSeconds))
        guard var job = job(ref), let poll = job.poll, poll.lease == id else { return }
        if let apiFailure = answer.apiFailure { job.apiFailure = apiFailure }
        if answer.processing { progress(.processing, of: &job, &step) }
        apply(job.lifecycle.handle(.polled(answer.report)), to: &job, &step)
    }

    /// Sets the next poll from what the last one said: the growing interval (at once after a hint), the error
    /// backoff, or none when the task ended.
    mutating func reschedulePoll(_ job: inout PipelineJob, after outcome: PollOutcome, _ step: inout Step) {
        guard var poll = job.poll else { return }
        poll.lease = nil
        let hinted = poll.hinted
        poll.hinted = false
        let delay: Duration
        switch outcome {
        case .finished:
            job.poll = nil
            return
        case .stillRunning:
            poll.consecutiveErrors = 0
            delay = hinted ? .zero : options.pollPolicy.nextInterval(
                afterRunningFor: poll.submittedAt.duration(to: step.now), using: &random)
        case .failedTransiently(let retryAfter):
            poll.consecutiveErrors += 1
            step.log(.warning, "task query failed; polling again", job.logMetadata([
                "consecutive_errors": "\(poll.consecutiveErrors)",
            ]))
            delay = options.pollPolicy.delayAfterError(
                consecutiveErrors: poll.consecutiveErrors, retryAfter: retryAfter, using: &random)
        }
        job.poll = poll
        schedulePoll(&job, at: step.now.advanced(by: delay))
    }

    /// A callback said the task changed: poll it now (after the poll in flight, if one is).
    mutating func callbackHint(_ taskID: String, _ step: inout Step) {
        guard let jobID = taskJobs[taskID], var job = jobs[jobID], var poll = job.poll else {
            step.observe(.callbackHint(used: false))
            return
        }
        step.observe(.callbackHint(used: true))
        if poll.lease != nil {
            poll.hinted = true
            job.poll = poll
        } else {
            schedulePoll(&job, at: step.now)
        }
        jobs[jobID] = job
    }

    /// Publishes the progress event `type` once (`progressEvents`); nothing when the option is off.
    mutating func progress(_ type: AvatarResultEvent.EventType, of job: inout PipelineJob, _ step: inout Step) {
        guard options.progressEvents, job.announced.insert(type).inserted else { return }
        var event = AvatarResultEvent(
            type: type, jobID: job.record.jobID, attempt: job.record.attempt, occurredAt: step.now.date,
            worker: options.worker)
        event.taskID = job.lifecycle.taskID
        event.externalTaskID = job.record.externalTaskID
        event.submittedAt = job.record.submittedAt
        event.metadata = job.record.metadata
        send(QueuedPublication(
            kind: .progress, partition: job.partition, epoch: job.epoch,
            records: [.result(event, traceparent: job.record.traceparent)], coveredOffset: nil), &step)
    }
}

/// What each timer of the heap does when it fires; a timer whose reason went away does nothing.
extension PipelineCore {
    mutating func fire(_ timer: CoreTimer, _ step: inout Step) {
        if countsTimers { firedTimers[String(describing: timer).prefix(while: { $0 != "(" }).description, default: 0] += 1 }
        switch timer {
        case .deadline(let ref, let kind):
            guard var job = job(ref), isActive(job.partition, epoch: ref.epoch) else { return }
            apply(job.lifecycle.handle(.deadlinePassed(kind)), to: &job, &step)
        case .retry(let ref, let token):
            guard var job = job(ref), job.timerToken == token, let deferred = job.deferred else { return }
            job.deferred = nil
            switch deferred {
            case .retryDue:
                // A job of a partition being handed over stays unsent: its record is withdrawn instead.
                guard isActive(job.partition, epoch: ref.epoch) else {
                    jobs[ref.jobID] = job
                    return
                }
                apply(job.lifecycle.handle(.retryDue), to: &job, &step)
            case .write(let purpose, let record):
                emitLedgerWrite(for: job, purpose: purpose, record: record, &step)
                jobs[ref.jobID] = job
            case .publish(let outcome, let withTombstone):
                sendResult(outcome, withTombstone: withTombstone, of: job, &step)
                jobs[ref.jobID] = job
            }
        case .poll(let ref, let token):
            pollDue(ref, token: token)
        case .pollBudget:
            budgetTimerArmed = false
        case .accountGate:
            gateTimerAt = nil
        case .commit:
            commitDue(&step)
        case .republish(let key):
            republishDue(key, &step)
        case .restoreRetry(let partition, let epoch):
            restoreRetryDue(partition, epoch: epoch, &step)
        case .priorOwnerCheck(let partition, let epoch):
            priorOwnerCheckDue(partition, epoch: epoch, &step)
        case .checkpointScan(let partition, let epoch):
            checkpointScanDue(partition, epoch: epoch, &step)
        case .handoverDeadline(let partition, let epoch):
            handoverTimedOut(partition, epoch: epoch, &step)
        case .partitionGrowthHold(let count):
            partitionGrowthHoldEnded(count: count, &step)
        }
    }
}

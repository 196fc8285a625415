extension TaskLifecycle {
    mutating func submittingRecorded() -> [Action] {
        guard phase == .recordingSubmitting else { return [] }
        hasLedgerRecord = true
        if let overdue { return fail(.deadlineExceeded(overdue)) }
        phase = .creating(attempt: 1)
        return [.callCreate(externalTaskID: externalTaskID, attempt: 1)]
    }

    mutating func created(taskID: String) -> [Action] {
        guard case .creating = phase else { return [] }
        return adopt(taskID: taskID, signal: [.signalCreateAccepted])
    }

    mutating func createFailed(_ failure: CreateFailure) -> [Action] {
        guard case .creating(let attempt) = phase else { return [] }
        switch failure {
        case .permanent(let reason):
            return fail(reason)
        case .ambiguous(let reason):
            if overdue != nil { return fail(.submissionAmbiguous(reason: reason)) }
            return resolveAmbiguity(reason: reason)
        case .throttled, .account, .transient:
            if let overdue { return fail(.deadlineExceeded(overdue)) }
        }
        switch failure {
        case .throttled(let retryAfter, let concurrencyLimit):
            phase = .awaitingCreateRetry(failures: attempt)
            let retry = Action.scheduleRetry(failures: attempt, retryAfter: retryAfter)
            return concurrencyLimit ? [.signalConcurrencyLimit, retry] : [retry]
        case .transient(let retryAfter):
            phase = .awaitingCreateRetry(failures: attempt)
            return [.scheduleRetry(failures: attempt, retryAfter: retryAfter)]
        case .account(let reason):
            phase = .heldForAccount(failures: attempt)
            return [.signalAccountProblem(reason)]
        case .permanent, .ambiguous:
            return []
        }
    }

    mutating func retryDue() -> [Action] {
        switch phase {
        case .awaitingCreateRetry(let failures):
            return callCreate(attempt: failures + 1)
        case .awaitingReconcileRetry(let failures):
            phase = .reconciling(attempt: failures + 1)
            return [.reconcile(externalTaskID: externalTaskID)]
        default:
            return []
        }
    }

    mutating func accountGateOpened() -> [Action] {
        guard case .heldForAccount(let failures) = phase else { return [] }
        return callCreate(attempt: failures + 1)
    }

    mutating func reconciled(_ answer: Reconciliation) -> [Action] {
        guard case .reconciling(let attempt) = phase else { return [] }
        switch answer {
        case .found(let taskID):
            return adopt(taskID: taskID, signal: [])
        case .notFound, .unsupported:
            let reason = answer == .notFound
                ? "no task has this external_task_id" : "the API cannot query by external_task_id"
            guard options.ambiguousSubmission == .resubmit, overdue == nil else {
                return fail(.submissionAmbiguous(reason: reconciledReason(reason)))
            }
            return callCreate(attempt: 1)
        case .failedTransiently(let retryAfter):
            if overdue != nil { return fail(.submissionAmbiguous(reason: reconciledReason("the reconciling query kept failing"))) }
            phase = .awaitingReconcileRetry(failures: attempt)
            return [.scheduleRetry(failures: attempt, retryAfter: retryAfter)]
        }
    }

    mutating func priorOwnerSettled(_ verdict: PriorOwnerVerdict) -> [Action] {
        guard phase == .awaitingPriorOwner else { return [] }
        switch verdict {
        case .unchanged:
            if overdue != nil { return fail(.submissionAmbiguous(reason: "a submitting ledger record without submitted")) }
            return resolveAmbiguity(reason: "a submitting ledger record without submitted")
        case .submitted(let taskID):
            self.taskID = taskID
            if overdue == .submission { overdue = nil }
            let durable = markOffsetsDurable()
            if overdue == .total { return durable + fail(.deadlineExceeded(.total)) }
            phase = .polling
            return durable + [.startPolling(taskID: taskID)]
        case .withdrawn:
            // Nothing of this job is live any more: the owner drops it and takes its message as a new job.
            holdsSlot = false
            phase = .finished
            return [.releaseSlot]
        case .published:
            holdsSlot = false
            phase = .writingTombstone
            return [.releaseSlot] + markOffsetsDurable() + [.writeTombstone]
        }
    }

    mutating func gaveUp(_ failure: TaskFailure) -> [Action] {
        switch phase {
        case .awaitingCreateRetry, .awaitingReconcileRetry:
            return fail(failure)
        default:
            return []
        }
    }

    mutating func submittedRecorded() -> [Action] {
        guard phase == .recordingSubmitted, let taskID else { return [] }
        let durable = markOffsetsDurable()
        if overdue == .total { return durable + fail(.deadlineExceeded(.total)) }
        phase = .polling
        return durable + [.startPolling(taskID: taskID)]
    }

    /// Decides what an unknown create outcome leads to under the policy.
    mutating func resolveAmbiguity(reason: String) -> [Action] {
        guard options.ambiguousSubmission != .fail else { return fail(.submissionAmbiguous(reason: reason)) }
        ambiguityCause = reason
        phase = .reconciling(attempt: 1)
        return [.reconcile(externalTaskID: externalTaskID)]
    }

    /// What reconciling found, after what made the outcome unknown: `<cause>; reconciling: <finding>`.
    private func reconciledReason(_ finding: String) -> String {
        ambiguityCause.map { "\($0); reconciling: \(finding)" } ?? finding
    }

    private mutating func callCreate(attempt: Int) -> [Action] {
        phase = .creating(attempt: attempt)
        return [.callCreate(externalTaskID: externalTaskID, attempt: attempt)]
    }

    /// A task exists (created, or found by reconciliation): record it as `submitted` before anything else, so a
    /// crash from here on resumes polling instead of submitting again. A submission deadline no longer applies.
    private mutating func adopt(taskID: String, signal: [Action]) -> [Action] {
        self.taskID = taskID
        if overdue == .submission { overdue = nil }
        phase = .recordingSubmitted
        return signal + [.writeLedger(.submitted)]
    }
}

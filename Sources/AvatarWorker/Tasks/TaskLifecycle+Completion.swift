extension TaskLifecycle {
    mutating func polled(_ report: PollReport) -> [Action] {
        guard phase == .polling, let taskID else { return [] }
        switch report {
        case .running:
            return [.reschedulePoll(.stillRunning)]
        case .transientError(let retryAfter):
            return [.reschedulePoll(.failedTransiently(retryAfter: retryAfter))]
        case .succeeded(let success):
            return [.reschedulePoll(.finished)] + publish(.succeeded(taskID: taskID, success))
        case .failed(let failure):
            return [.reschedulePoll(.finished)] + fail(failure)
        }
    }

    mutating func deadlinePassed(_ kind: DeadlineKind) -> [Action] {
        if kind == .submission && taskID != nil { return [] }
        switch phase {
        case .awaitingCreateRetry, .heldForAccount, .awaitingReconcileRetry:
            return fail(.deadlineExceeded(kind))
        case .polling:
            guard let taskID else { return [] }
            return [.stopPolling(taskID: taskID)] + fail(.deadlineExceeded(kind))
        case .recordingSubmitting, .creating, .reconciling, .recordingSubmitted, .awaitingPriorOwner:
            if overdue != .total { overdue = kind }
            return []
        case .publishingRejection, .publishingResult, .writingTombstone, .finished:
            return []
        }
    }

    mutating func resultPublished() -> [Action] {
        guard phase == .publishingResult || phase == .publishingRejection else { return [] }
        let durable = markOffsetsDurable()
        if hasLedgerRecord && !options.publishesResultWithTombstone {
            phase = .writingTombstone
            return durable + [.writeTombstone]
        }
        phase = .finished
        return durable
    }

    mutating func tombstoneRecorded() -> [Action] {
        guard phase == .writingTombstone else { return [] }
        phase = .finished
        return []
    }

    mutating func writeFailed() -> [Action] {
        switch phase {
        case .recordingSubmitting:
            return [.writeLedger(.submitting)]
        case .recordingSubmitted:
            return [.writeLedger(.submitted)]
        case .publishingRejection, .publishingResult:
            guard let outcome else { return [] }
            return [.publishResult(outcome, withTombstone: tombstoneTravelsWithResult)]
        case .writingTombstone:
            return [.writeTombstone]
        default:
            return []
        }
    }

    mutating func redelivered(offset: Int64) -> [Action] {
        if offsetsDurable { return [.markOffsetsDurable([offset])] }
        if !pendingOffsets.contains(offset) { pendingOffsets.append(offset) }
        return []
    }

    /// Ends the job with a failure (keeping the task id when a task exists).
    mutating func fail(_ failure: TaskFailure) -> [Action] {
        publish(.failed(failure, taskID: taskID))
    }

    /// Frees the slot and publishes the terminal outcome.
    private mutating func publish(_ decided: Outcome) -> [Action] {
        outcome = decided
        phase = .publishingResult
        var actions: [Action] = []
        if holdsSlot {
            holdsSlot = false
            actions.append(.releaseSlot)
        }
        actions.append(.publishResult(decided, withTombstone: tombstoneTravelsWithResult))
        return actions
    }

    private var tombstoneTravelsWithResult: Bool { hasLedgerRecord && options.publishesResultWithTombstone }

    /// The job's fate is durable: every offset it was received at may be stored.
    mutating func markOffsetsDurable() -> [Action] {
        guard !offsetsDurable else { return [] }
        offsetsDurable = true
        defer { pendingOffsets = [] }
        return pendingOffsets.isEmpty ? [] : [.markOffsetsDurable(pendingOffsets)]
    }
}

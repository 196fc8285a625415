/// The core's observations as metrics.
extension WorkerMetrics {
    /// Records one observation of the core.
    func record(_ observation: PipelineCore.Observation) {
        switch observation {
        case .consumed:
            jobsReceived.increment()
        case .rejected:
            jobsInvalid.increment()
        case .deadLettered:
            dlqMessages.increment()
        case .createFinished(let outcome, _, _):
            if outcome == "created" { tasksCreated.increment() }
        case .resultAcked(let type, _):
            resultPublished(type: type)
        case .partitionCapacity, .partitionReleased, .pollFinished, .taskEnded, .resultDecided, .restoreFinished,
             .publishFailed, .ledgerWriteFailed, .accountGate, .callbackHint:
            return
        }
    }
}

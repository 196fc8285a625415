import CometAPI

/// The core's observations as metrics: each observation is one moment of `docs/metrics-wiring.md`.
extension WorkerMetrics {
    /// Records one observation of the core; `fleetCap` labels the partition series.
    func record(_ observation: PipelineCore.Observation, fleetCap: Int) {
        switch observation {
        case .consumed:
            jobConsumed()
        case .rejected(let code):
            jobRejected(code: code)
        case .deadLettered(let code):
            deadLettered(reason: code)
        case .createFinished(let failure, let businessCode, let seconds):
            createFinished(
                outcome: failure.map(CreateOutcome.init) ?? .created, businessCode: businessCode,
                duration: .seconds(seconds))
        case .pollFinished(let seconds):
            pollFinished(duration: .seconds(seconds))
        case .taskEnded(let mode, let outcome, let seconds, let polls):
            taskEnded(mode: mode, outcome: outcome, duration: .seconds(seconds), polls: polls)
        case .resultAcked(let type, let errorCode, let seconds, let sinceDecided):
            if let sinceDecided { stageFinished(.decidedToAcked, duration: .seconds(sinceDecided)) }
            let succeeded = type == .succeeded
            if let seconds {
                resultAcked(succeeded: succeeded, errorCode: errorCode, sinceConsumed: .seconds(seconds))
            } else {
                countResult(succeeded: succeeded, errorCode: errorCode)
            }
        case .partitionCapacity(let partition, let inFlight, let limit, _):
            partitionState(partition: partition, inFlight: inFlight, share: limit, cap: fleetCap)
        case .partitionReleased(let partition):
            partitionReleased(partition: partition)
        case .restoreFinished(_, let seconds, _, let from, let end):
            restoreFinished(duration: .seconds(seconds), offsets: end - from)
        case .ledgerCheckpoint(let partition, let checkpoint, let end):
            checkpointLag(partition: partition, lag: max(0, end - checkpoint))
        case .publishFailed:
            publishFailed()
        case .ledgerWriteFailed:
            ledgerWriteFailed()
        case .accountGate(let open):
            accountGate(open: open)
        case .resultDecided, .callbackHint:
            // A decided result is counted when acknowledged; the admin server counts callback hints as they arrive.
            return
        }
    }
}

import Foundation

/// What the admin server asks of the pipeline.
extension PipelineDriver {
    /// Whether `/readyz` answers 200: an assignment held, every restore finished, not draining.
    var isReady: Bool { state.withLock { $0.core.isReady } }

    /// What `/status` shows.
    func status() -> WorkerStatus {
        state.withLock { state in
            let core = state.core
            return WorkerStatus(
                workerID: configuration.workerID, ready: core.isReady, exactlyOnce: configuration.exactlyOnce,
                partitions: core.partitionStatus.map { partition in
                    WorkerStatus.Partition(
                        partition: partition.partition, epoch: partition.kafkaEpoch, phase: partition.phase,
                        restoring: partition.phase == "restoring", tasksInFlight: partition.tasksInFlight,
                        inFlightLimit: partition.inFlightLimit, share: partition.share,
                        pausedForCapacity: partition.pausedForCapacity, committedOffset: partition.committedOffset,
                        storedOffset: partition.storedOffset)
                },
                jobsTracked: core.jobsTracked, pendingPublications: core.pendingPublications,
                pendingTombstones: core.partitionStatus.reduce(0) { $0 + $1.pendingTombstones })
        }
    }

    /// Created tasks with less than a fifth of their total time left (the admin server sets the gauge before each
    /// scrape, so it is never staler than the scrape).
    func tasksNearDeadline() -> Int {
        let now = clock.now
        return state.withLock { $0.core.tasksNearDeadline(at: now) }
    }

    /// A callback for `taskID` arrived: poll it now. Returns whether the task is one this worker tracks.
    func callbackArrived(taskID: String) -> Bool {
        let known = state.withLock { $0.core.isTracking(taskID: taskID) }
        send(.callbackHint(taskID: taskID))
        return known
    }
}

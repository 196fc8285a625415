import AvatarJobs
import CometAPI

extension PipelineCore.Options {
    /// The options of a worker run with `configuration`.
    init(configuration: WorkerConfiguration) {
        self.init(
            worker: AvatarResultEvent.WorkerInfo(id: configuration.workerID, version: AvatarWorkerService.version),
            lifecycle: JobLifecycle.Options(
                ambiguousSubmission: configuration.ambiguousSubmission,
                publishesResultWithTombstone: configuration.exactlyOnce),
            exactlyOnce: configuration.exactlyOnce,
            submissionDeadline: configuration.submissionDeadline,
            pollPolicy: configuration.pollPolicy,
            pollLimits: configuration.pollLimits,
            maxConcurrentCreates: configuration.maxConcurrentCreates,
            createRetry: .exponentialJitter(
                maximumAttempts: configuration.createMaxAttempts, baseDelay: .seconds(1), maximumDelay: .seconds(30)),
            accountProbeInterval: configuration.accountProbeInterval,
            commitInterval: configuration.commitInterval,
            handoverDeadline: configuration.drainDeadline,
            priorOwnerGrace: configuration.priorOwnerGrace ?? configuration.apiRequestTimeout + .seconds(10),
            checkpointInterval: configuration.restoreCheckpointInterval,
            progressEvents: configuration.progressEvents,
            partitionGrowthHold: configuration.partitionGrowthHold ?? configuration.partitionCheckInterval + .seconds(10),
            seed: { var system = SystemRandomNumberGenerator(); return system.next() }())
    }
}

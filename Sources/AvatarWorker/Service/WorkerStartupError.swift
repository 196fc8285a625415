/// Why the worker cannot start: each case says what to fix.
public enum WorkerStartupError: Error, Sendable, CustomStringConvertible {
    /// A topic the worker needs does not exist (`missing`) or its metadata cannot be read.
    case missingTopic(option: String, topic: String, reason: String, missing: Bool)
    /// The tasks topic must have exactly as many partitions as the jobs topic (ledger partition p = jobs partition p).
    case partitionMismatch(jobsTopic: String, jobs: Int, tasksTopic: String, tasks: Int)
    /// The fleet cap cannot be split over the jobs topic's partitions.
    case capacity(String)
    /// The CometAPI client configuration is unusable.
    case apiClient(String)

    public var description: String {
        switch self {
        case .missingTopic(let option, let topic, let reason, let missing):
            "topic \(topic) (--\(option)) is not usable: \(reason)"
                + (missing ? "; create it with `avatar-worker topics create`" : "; is --brokers right and the broker up?")
        case .partitionMismatch(let jobsTopic, let jobs, let tasksTopic, let tasks):
            "the tasks topic \(tasksTopic) has \(tasks) partitions but the jobs topic \(jobsTopic) has \(jobs); "
                + "they must match (ledger partition p holds the jobs of jobs partition p)"
        case .capacity(let reason):
            "in-flight capacity: \(reason)"
        case .apiClient(let reason):
            "CometAPI client: \(reason)"
        }
    }
}

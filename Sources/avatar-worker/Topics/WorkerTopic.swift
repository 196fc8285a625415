/// One of the worker's topics and what it is for, as `topics create`, `check` and `expand` treat it.
struct WorkerTopic: Sendable, Hashable {
    /// What the topic is for.
    enum Role: String, Sendable, CaseIterable {
        case jobs, tasks, results, dlq
        case replayLog = "replay_log"

        /// Whether the design needs the topic compacted: the task ledger and the DLQ replay log keep the latest record
        /// of every key for as long as it lives, which a delete policy would drop after its retention.
        var isCompacted: Bool {
            switch self {
            case .tasks, .replayLog: true
            case .jobs, .results, .dlq: false
            }
        }
    }

    let role: Role
    let name: String

    /// The configs `topics create` gives the topic: the compaction settings for the compacted ones, `large` (a
    /// `max.message.bytes`, or nothing) for the jobs and DLQ topics, none for the results.
    func creationConfigs(compaction: [String: String], large: [String: String]) -> [String: String] {
        switch role {
        case .jobs, .dlq: large
        case .tasks, .replayLog: compaction
        case .results: [:]
        }
    }

    /// The five topics of a worker fleet configured by `settings`, in the order every command lists them.
    static func all(settings: ClientSettings, replayLog: String) -> [WorkerTopic] {
        [
            WorkerTopic(role: .jobs, name: settings.jobsTopic),
            WorkerTopic(role: .tasks, name: settings.tasksTopic),
            WorkerTopic(role: .results, name: settings.resultsTopic),
            WorkerTopic(role: .dlq, name: settings.dlqTopic),
            WorkerTopic(role: .replayLog, name: replayLog),
        ]
    }
}

import Foundation

extension WorkerConfiguration {
    /// Every option, in the order `--help` lists them.
    public static let options: [ConfigurationOption] = connectionOptions + capacityOptions + pollOptions

    private static let connectionOptions: [ConfigurationOption] = [
        .stored("brokers", "Kafka bootstrap servers (host:port, comma-separated)", default: "127.0.0.1:9092",
                at: \.brokers) { try $0.text() },
        .stored("group", "consumer group shared by all workers", default: "avatar-worker",
                at: \.group) { try $0.text() },
        .stored("jobs-topic", "topic jobs are consumed from", default: "avatar.jobs",
                at: \.jobsTopic) { try $0.text() },
        .stored("results-topic", "topic result events are published to", default: "avatar.results",
                at: \.resultsTopic) { try $0.text() },
        .stored("tasks-topic", "compacted task-ledger topic", default: "avatar.tasks",
                at: \.tasksTopic) { try $0.text() },
        .stored("dlq-topic", "topic for unreadable job messages", default: "avatar.jobs.dlq",
                at: \.dlqTopic) { try $0.text() },
        .stored("api-base-url", "CometAPI base URL (the key is sent only here)", default: "https://api.cometapi.com",
                at: \.apiBaseURL) { input in
            guard let url = URL(string: try input.text()), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else { throw input.invalid(expected: "an http or https URL with a host") }
            return url
        },
        .stored("http-port", "port of the HTTP admin server (0 = any free port)", default: "8080",
                at: \.httpPort) { try $0.number(in: 0...65535) },
        .stored("api-key-file", "file holding the CometAPI key (else COMETAPI_KEY)", default: "none",
                at: \.apiKeyFile) { try $0.text() },
        .stored("exactly-once", "result, tombstone and offsets in one Kafka transaction", default: "false",
                at: \.exactlyOnce) { try $0.boolean() },
        .stored("drain-deadline", "time shutdown may take to hand back in-flight work", default: "30s",
                at: \.drainDeadline) { try $0.duration() },
        .stored("max-message-bytes", "largest job message accepted (larger go to the DLQ)", default: "23068672",
                at: \.maxMessageBytes) { try $0.number(in: 1024...100_000_000) },
        .stored("worker-id", "this worker's name (events, logs, transactional.id)", default: "<host>-<pid>",
                at: \.workerID) { try $0.text() },
        .stored("http-host", "address of the HTTP admin server", default: "127.0.0.1",
                at: \.httpHost) { try $0.text() },
        .stored("query-by-external-task-id", "the API answers queries by external_task_id", default: "false",
                at: \.queryByExternalTaskID) { try $0.boolean() },
        .stored("commit-interval", "how often job offsets are committed (tombstones follow commits)",
                default: "500ms", at: \.commitInterval) { try $0.duration() },
        .stored("progress-events", "also publish submitted/processing progress events", default: "false",
                at: \.progressEvents) { try $0.boolean() },
        .stored("api-request-timeout", "timeout of one CometAPI request", default: "60s",
                at: \.apiRequestTimeout) { try $0.duration() },
        .stored("prior-owner-grace",
                "wait of a partition's new owner for the prior owner's creates in flight to report",
                default: "api-request-timeout + 10s", at: \.priorOwnerGrace) { try $0.duration() },
.stored("restore-checkpoint-interval",
                "how often each owned ledger partition is scanned to move its restore checkpoint (the group's committed ledger offset)",
                default: "60s", at: \.restoreCheckpointInterval) { try $0.duration() },
        .stored("broker-connect-timeout", "time start-up waits for a Kafka broker to answer (TLS and SASL failures end it at once)",
                default: "30s", at: \.brokerConnectTimeout) { try $0.duration() },
        .stored("consumer-lag-interval", "how often the consumer lag of owned partitions is measured for /metrics",
                default: "15s", at: \.consumerLagInterval) { try $0.duration() },
        .stored("partition-check-interval",
                "how often the jobs and tasks partition counts are read to learn of a growth (also the consumer's metadata refresh)",
                default: "60s", at: \.partitionCheckInterval) { try $0.duration() },
        .stored("group-stall-timeout",
                "time as a group member without partitions, while jobs wait and no committed offset moves, before the worker rejoins its group",
                default: "3 × session.timeout.ms", at: \.groupStallTimeout) { try $0.duration() },
        .stored("partition-growth-hold", "wait of partitions added by a growth before they use their shares of the fleet cap",
                default: "partition-check-interval + 10s", at: \.partitionGrowthHold) { try $0.duration() },
    ]

    private static let capacityOptions: [ConfigurationOption] = [
        .stored("fleet-in-flight-cap", "fleet-wide cap on tasks in flight (>= jobs partitions)", default: "20",
                at: \.fleetInFlightCap) { try $0.number(in: 1...1_000_000) },
        .stored("jobs-partitions", "jobs topic partition count for the shares at start (a larger one read later replaces it)", default: "from topic metadata",
                at: \.jobsPartitions) { try $0.number(in: 1...100_000) },
        .stored("submission-deadline", "default time from receipt to a created task", default: "15m",
                at: \.submissionDeadline) { try $0.duration() },
        .stored("total-deadline", "default time from receipt to a result", default: "60m",
                at: \.totalDeadline) { try $0.duration() },
        .stored("account-probe-interval", "pause after an account error before a probe create", default: "60s",
                at: \.accountProbeInterval) { try $0.duration() },
        .stored("max-concurrent-creates", "create calls in flight at once, process-wide", default: "8",
                at: \.maxConcurrentCreates) { try $0.number(in: 1...1000) },
        .stored("create-max-attempts",
                "create calls per job, the first included, while the API fails transiently or throttles", default: "30",
                at: \.createMaxAttempts) { try $0.number(in: 1...10_000) },
        .stored("ambiguous-submission",
                "on an unknown create outcome: fail, reconcile-then-fail, resubmit (may double-bill)",
                default: "fail", at: \.ambiguousSubmission) { input in
            guard let policy = AmbiguousSubmissionPolicy(name: try input.text()) else {
                throw input.invalid(expected: AmbiguousSubmissionPolicy.all.map(\.name).joined(separator: ", "))
            }
            return policy
        },
    ]
}

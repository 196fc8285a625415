import Foundation

extension WorkerConfiguration {
    /// Every option, in the order `--help` lists them.
    public static let options: [ConfigurationOption] = connectionOptions + capacityOptions + pollOptions

    private static let connectionOptions: [ConfigurationOption] = [
        ConfigurationOption("brokers", "Kafka bootstrap servers (host:port, comma-separated)", default: "127.0.0.1:9092")
        { config, value, source throws(ConfigurationError) in
            config.brokers = try ConfigurationValue.text("brokers", value, source)
        },
        ConfigurationOption("group", "consumer group shared by all workers", default: "avatar-worker")
        { config, value, source throws(ConfigurationError) in
            config.group = try ConfigurationValue.text("group", value, source)
        },
        ConfigurationOption("jobs-topic", "topic jobs are consumed from", default: "avatar.jobs")
        { config, value, source throws(ConfigurationError) in
            config.jobsTopic = try ConfigurationValue.text("jobs-topic", value, source)
        },
        ConfigurationOption("results-topic", "topic result events are published to", default: "avatar.results")
        { config, value, source throws(ConfigurationError) in
            config.resultsTopic = try ConfigurationValue.text("results-topic", value, source)
        },
        ConfigurationOption("tasks-topic", "compacted task-ledger topic", default: "avatar.tasks")
        { config, value, source throws(ConfigurationError) in
            config.tasksTopic = try ConfigurationValue.text("tasks-topic", value, source)
        },
        ConfigurationOption("dlq-topic", "topic for unreadable job messages", default: "avatar.jobs.dlq")
        { config, value, source throws(ConfigurationError) in
            config.dlqTopic = try ConfigurationValue.text("dlq-topic", value, source)
        },
        ConfigurationOption("api-base-url", "CometAPI base URL (the key is sent only here)",
                            default: "https://api.cometapi.com")
        { config, value, source throws(ConfigurationError) in
            let text = value.trimmingCharacters(in: .whitespaces)
            guard let url = URL(string: text), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", url.host?.isEmpty == false
            else {
                throw .invalidValue(option: "api-base-url", value: value,
                                    expected: "an http or https URL with a host", source: source)
            }
            config.apiBaseURL = url
        },
        ConfigurationOption("http-port", "port of the HTTP admin server (0 = any free port)", default: "8080")
        { config, value, source throws(ConfigurationError) in
            config.httpPort = try ConfigurationValue.integer("http-port", value, source, in: 0...65535)
        },
        ConfigurationOption("api-key-file", "file holding the CometAPI key (else COMETAPI_KEY)", default: "none")
        { config, value, source throws(ConfigurationError) in
            config.apiKeyFile = try ConfigurationValue.text("api-key-file", value, source)
        },
        ConfigurationOption("exactly-once", "result, tombstone and offsets in one Kafka transaction", default: "false")
        { config, value, source throws(ConfigurationError) in
            config.exactlyOnce = try ConfigurationValue.boolean("exactly-once", value, source)
        },
        ConfigurationOption("drain-deadline", "time shutdown may take to hand back in-flight work", default: "30s")
        { config, value, source throws(ConfigurationError) in
            config.drainDeadline = try ConfigurationValue.duration("drain-deadline", value, source)
        },
        ConfigurationOption("max-message-bytes", "largest job message accepted (larger go to the DLQ)",
                            default: "1048576")
        { config, value, source throws(ConfigurationError) in
            config.maxMessageBytes = try ConfigurationValue.integer(
                "max-message-bytes", value, source, in: 1024...100_000_000)
        },
    ]

    private static let capacityOptions: [ConfigurationOption] = [
        ConfigurationOption("fleet-in-flight-cap", "fleet-wide cap on tasks in flight (>= jobs partitions)",
                            default: "20")
        { config, value, source throws(ConfigurationError) in
            config.fleetInFlightCap = try ConfigurationValue.integer(
                "fleet-in-flight-cap", value, source, in: 1...1_000_000)
        },
        ConfigurationOption("jobs-partitions", "jobs topic partition count for the shares (default: from metadata)",
                            default: "from metadata")
        { config, value, source throws(ConfigurationError) in
            config.jobsPartitions = try ConfigurationValue.integer("jobs-partitions", value, source, in: 1...100_000)
        },
        ConfigurationOption("submission-deadline", "default time from receipt to a created task", default: "15m")
        { config, value, source throws(ConfigurationError) in
            config.submissionDeadline = try ConfigurationValue.duration("submission-deadline", value, source)
        },
        ConfigurationOption("total-deadline", "default time from receipt to a result", default: "60m")
        { config, value, source throws(ConfigurationError) in
            config.totalDeadline = try ConfigurationValue.duration("total-deadline", value, source)
        },
        ConfigurationOption("ambiguous-submission",
                            "on an unknown create outcome: fail, reconcile-then-fail, resubmit (may double-bill)",
                            default: "fail")
        { config, value, source throws(ConfigurationError) in
            guard let policy = AmbiguousSubmissionPolicy(name: value.trimmingCharacters(in: .whitespaces)) else {
                throw .invalidValue(option: "ambiguous-submission", value: value,
                                    expected: AmbiguousSubmissionPolicy.all.map(\.name).joined(separator: ", "),
                                    source: source)
            }
            config.ambiguousSubmission = policy
        },
    ]
}

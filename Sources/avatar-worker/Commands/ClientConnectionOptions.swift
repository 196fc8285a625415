import ArgumentParser
import AvatarWorker
import Foundation

/// The connection options every Kafka client command (`submit`, `status`, `results`, `dlq`, `topics create`)
/// shares with `run`: brokers, topics, group and librdkafka properties, from the same layers — defaults < the JSON
/// `--config-file` < `AVATAR_WORKER_…` environment < flags — so a producer pointed at the workers' config file (or
/// their environment) reaches the same cluster and topics without repeating anything.
struct ClientConnectionOptions: ParsableArguments {
    @Option(help: "Kafka bootstrap servers, host:port[,…] (env AVATAR_WORKER_BROKERS; default 127.0.0.1:9092).")
    var brokers: String?

    @Option(name: .customLong("kafka"), help: ArgumentHelp(
        "librdkafka property NAME=VALUE passed through unchanged (repeatable; env AVATAR_WORKER_KAFKA_<NAME>).",
        valueName: "name=value"))
    var kafkaProperties: [String] = []

    @Option(name: .customLong("config-file"), help: ArgumentHelp(
        "JSON file of worker options, as `run` reads it; brokers, topics, group and kafka properties are used (env AVATAR_WORKER_CONFIG_FILE).",
        valueName: "path"))
    var configFile: String?

    @Option(name: .customLong("group"), help: "The workers' consumer group (env AVATAR_WORKER_GROUP; default avatar-worker).")
    var group: String?

    @Option(name: .customLong("jobs-topic"), help: "Jobs topic (env AVATAR_WORKER_JOBS_TOPIC; default avatar.jobs).")
    var jobsTopic: String?

    @Option(name: .customLong("tasks-topic"), help: "Task-ledger topic (env AVATAR_WORKER_TASKS_TOPIC; default avatar.tasks).")
    var tasksTopic: String?

    @Option(name: .customLong("results-topic"), help: "Results topic (env AVATAR_WORKER_RESULTS_TOPIC; default avatar.results).")
    var resultsTopic: String?

    @Option(name: .customLong("dlq-topic"), help: "Dead-letter topic (env AVATAR_WORKER_DLQ_TOPIC; default avatar.jobs.dlq).")
    var dlqTopic: String?

    func validate() throws {
        _ = try settings()
    }

    /// `--kafka NAME=VALUE` entries as the configuration loader's `kafka.NAME` flags (`run` passes its own the same
    /// way).
    static func kafkaFlags(_ entries: [String]) throws -> [String: String] {
        var flags: [String: String] = [:]
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else {
                throw ValidationError("--kafka must be NAME=VALUE (a librdkafka property), got \(entry)")
            }
            flags[WorkerConfiguration.kafkaPrefix + parts[0]] = parts[1]
        }
        return flags
    }

    /// The resolved settings.
    /// - Throws: `ValidationError` (a usage error, exit status 2) naming the option, value and where it came from.
    func settings() throws -> ClientSettings {
        ClientLogging.configure()
        var flags: [String: String] = [:]
        let named: [(String, String?)] = [
            ("brokers", brokers), ("group", group), ("jobs-topic", jobsTopic), ("tasks-topic", tasksTopic),
            ("results-topic", resultsTopic), ("dlq-topic", dlqTopic), (WorkerConfiguration.configFileOption, configFile),
        ]
        for case (let name, let value?) in named { flags[name] = value }
        flags.merge(try Self.kafkaFlags(kafkaProperties)) { _, new in new }
        // Client commands never call CometAPI. A placeholder key in the environment layer keeps the loader from
        // reading the API key file a shared config file names, which only the workers' machines hold.
        var environment = ProcessInfo.processInfo.environment
        environment[WorkerConfiguration.apiKeyVariable] = "unused-by-client-commands"
        do {
            return ClientSettings(configuration: try WorkerConfiguration.load(flags: flags, environment: environment))
        } catch {
            throw ValidationError(error.description)
        }
    }
}

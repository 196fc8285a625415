import CometAPI
import Foundation
import Kafka

/// Everything `avatar-worker run` can be told, with the defaults it runs with when told nothing.
///
/// Load it with `load(flags:environment:)`, which layers defaults < JSON config file < environment
/// (`AVATAR_WORKER_…`) < flags, then validates the result. `options` lists every option with its flag name,
/// environment variable, default and meaning, so `--help` and the README print the same table.
public struct WorkerConfiguration: Sendable, Hashable {
    /// Kafka bootstrap servers, comma-separated `host:port`.
    public var brokers = "127.0.0.1:9092"
    /// Consumer group of all workers.
    public var group = "avatar-worker"
    /// Topic users produce jobs to.
    public var jobsTopic = "avatar.jobs"
    /// Topic results are published to.
    public var resultsTopic = "avatar.results"
    /// The compacted task-ledger topic (same partition count as the jobs topic).
    public var tasksTopic = "avatar.tasks"
    /// Topic for messages that cannot be read as a job.
    public var dlqTopic = "avatar.jobs.dlq"
    /// CometAPI base URL; the API key is sent to this host only.
    public var apiBaseURL = URL(string: "https://api.cometapi.com")!
    /// Port of the HTTP admin server (health, metrics, callbacks); 0 picks a free one.
    public var httpPort = 8080
    /// Fleet-wide cap on tasks in flight, split over the jobs partitions; must be at least the partition count.
    public var fleetInFlightCap = 20
    /// The jobs topic's partition count for the shares at start; nil reads it from the topic's metadata. A larger
    /// count the partition-count check reads later (the topic grew) replaces it.
    public var jobsPartitions: Int?
    /// Default time from receipt to a created task, for jobs that set none.
    public var submissionDeadline: Duration = .seconds(15 * 60)
    /// Default time from receipt to a terminal result, for jobs that set none.
    public var totalDeadline: Duration = .seconds(60 * 60)
    /// Poll intervals, jitter and error backoff.
    public var pollPolicy = PollPolicy()
    /// Global poll request budget and concurrency.
    public var pollLimits = PollLimits()
    /// What to do when a create's outcome is unknown.
    public var ambiguousSubmission = AmbiguousSubmissionPolicy.fail
    /// Publish result, tombstone and offsets in one Kafka transaction (exactly one result event per job).
    public var exactlyOnce = false
    /// How long shutdown may take to hand back in-flight work before it stops anyway.
    public var drainDeadline: Duration = .seconds(30)
    /// Largest job message accepted; larger ones go to the DLQ. The default is the job contract's 22 MiB, which
    /// fits a 10 MB image in base64 plus a sound file.
    public var maxMessageBytes = 22 * 1024 * 1024
    /// This worker's name in events, logs and its transactional id (stable across restarts where EOS is used).
    public var workerID = WorkerConfiguration.defaultWorkerID
    /// Address the HTTP admin server listens on.
    public var httpHost = "127.0.0.1"
    /// Whether the API answers queries by `external_task_id` (reconciliation of ambiguous creates).
    public var queryByExternalTaskID = false
    /// How often stored job offsets are committed (and ledger tombstones written behind them).
    public var commitInterval: Duration = .milliseconds(500)
    /// How long submissions pause after an account error (1100–1102) before one probe create is tried.
    public var accountProbeInterval: Duration = .seconds(60)
    /// Create calls in flight at once, process-wide (a plain bound: the reaction to 1303 is the partition's AIMD
    /// share in ``InFlightCapacity``).
    public var maxConcurrentCreates = 8
    /// Create calls per job, the first included, while the API answers transiently (5xx, resets) or throttles; the
    /// submission deadline bounds them too. Then the job fails with `api.unavailable` (retryable).
    public var createMaxAttempts = 30
    /// Publish optional `submitted` and `processing` progress events besides the terminal one.
    public var progressEvents = false
    /// How long a partition's new owner waits before it judges a `submitting` record: a prior owner that lost the
    /// partition may still have that create in flight and reports its answer within this time. `nil` means the
    /// request timeout plus 10 s, which covers any create. Lowering it is safe only where prior owners are known to
    /// be dead (a restart after `kill -9`); otherwise a late create is judged ambiguous.
    public var priorOwnerGrace: Duration?
    /// How often each owned ledger partition is scanned from where the last read ended, so its restore checkpoint
    /// (the group's committed offset of the ledger partition, where the next owner's restore starts) follows its
    /// oldest live record. Each scan reads the records written since the last one, once.
    public var restoreCheckpointInterval: Duration = .seconds(60)
    /// Per-request timeout of CometAPI calls.
    public var apiRequestTimeout: Duration = .seconds(60)
    /// How long start-up waits for a Kafka broker to answer before it gives up (TLS and SASL failures end it at once).
    public var brokerConnectTimeout: Duration = .seconds(30)
    /// How often the consumer lag of the owned jobs partitions is measured (watermark and committed-offset requests).
    public var consumerLagInterval: Duration = .seconds(15)
    /// How often the worker reads the jobs and tasks topics' partition counts to learn of a growth (`topics
    /// expand`); the consumer's `topic.metadata.refresh.interval.ms` is set to it too, so new partitions are assigned
    /// within about the same time.
    public var partitionCheckInterval: Duration = .seconds(60)
    /// How long the partitions a growth added wait before they use their shares of the fleet cap; `nil` means the
    /// check interval plus 10 s (the check's own timeout), which every other worker's check fits in. Shorter lets the
    /// fleet exceed the cap while workers learn the count.
    public var partitionGrowthHold: Duration?
    /// How long this worker may be a group member without partitions, while jobs wait and no committed offset moves,
    /// before it leaves and rejoins its group; `nil` means three session timeouts (`kafka.session.timeout.ms`, else
    /// librdkafka's 45 s). See ``GroupStallDetector``.
    public var groupStallTimeout: Duration?
    /// librdkafka properties passed through as they are (`kafka.<property>`), overriding the worker's own.
    public var kafka: [String: String] = [:]
    /// File holding the API key, when it does not come from `COMETAPI_KEY`.
    public var apiKeyFile: String?
    /// The API key, when one was configured (see `requireAPIKey()`).
    public var apiKey: APIKey?

    /// The defaults.
    public init() {}

    /// `<host>-<pid>`: unique per process; pass `--worker-id` for a name that survives restarts.
    public static var defaultWorkerID: String {
        "\(ProcessInfo.processInfo.hostName.split(separator: ".").first.map(String.init) ?? "worker")-\(getpid())"
    }

    /// The API key, or `ConfigurationError.missingAPIKey` (for modes that talk to the real API).
    public func requireAPIKey() throws(ConfigurationError) -> APIKey {
        guard let apiKey else { throw .missingAPIKey }
        return apiKey
    }

    /// Checks the options that only make sense together.
    public func validate() throws(ConfigurationError) {
        if let jobsPartitions {
            do {
                _ = try InFlightCapacity(fleetCap: fleetInFlightCap, partitionCount: jobsPartitions)
            } catch {
                throw .inconsistent(options: ["fleet-in-flight-cap", "jobs-partitions"], reason: error.description)
            }
        }
        if submissionDeadline > totalDeadline {
            throw .inconsistent(
                options: ["submission-deadline", "total-deadline"],
                reason: "the submission deadline (\(submissionDeadline)) exceeds the total deadline (\(totalDeadline))"
            )
        }
        let topics = [jobsTopic, resultsTopic, tasksTopic, dlqTopic]
        if Set(topics).count != topics.count {
            throw .inconsistent(
                options: ["jobs-topic", "results-topic", "tasks-topic", "dlq-topic"],
                reason: "the four topics must be distinct, got \(topics.joined(separator: ", "))"
            )
        }
        if pollPolicy.slowInterval < pollPolicy.interval {
            throw .inconsistent(
                options: ["poll-interval", "poll-slow-interval"],
                reason: "the slow interval must not be shorter than the regular interval"
            )
        }
    }
}

extension WorkerConfiguration {
    /// The consumer group's session timeout as this worker runs it (`kafka.session.timeout.ms`, else librdkafka's
    /// default of 45 s).
    var groupSessionTimeout: Duration {
        KafkaConfiguration(kafka).sessionTimeout ?? .seconds(45)
    }

    /// The stall timeout in force: `groupStallTimeout`, or three session timeouts.
    var effectiveGroupStallTimeout: Duration { groupStallTimeout ?? groupSessionTimeout * 3 }
}

/// One metric the worker exports on `/metrics`: its Prometheus name, type, label names and meaning.
///
/// `WorkerMetrics` creates every metric from these definitions (the help text becomes the `# HELP` line), the README's
/// metric table lists exactly ``all``, and the deploy checks hold the dashboard and the alert rules to them, so a
/// metric cannot be renamed in one place and forgotten in another. Names follow Prometheus conventions: the
/// `avatar_worker_` namespace, `_total` on counters, base units (`_seconds`), and labels whose values come from closed
/// sets (never a job id, task id or message).
public struct WorkerMetricDefinition: Sendable, Hashable {
    /// The Prometheus metric type.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// The type's name as the exposition's `# TYPE` line spells it.
        public let name: String
        /// A monotonically increasing count.
        public static let counter = Kind(name: "counter")
        /// A value that goes up and down.
        public static let gauge = Kind(name: "gauge")
        /// Observations in buckets, with `_bucket`, `_sum` and `_count` series.
        public static let histogram = Kind(name: "histogram")

        public var description: String { name }
    }

    /// The full metric name, e.g. `avatar_worker_jobs_consumed_total`.
    public let name: String
    /// Counter, gauge or histogram.
    public let kind: Kind
    /// The label names every series of the metric carries.
    public let labels: [String]
    /// What the metric means, for the `# HELP` line and the README.
    public let help: String

    init(_ name: String, _ kind: Kind, labels: [String] = [], _ help: String) {
        self.name = name
        self.kind = kind
        self.labels = labels
        self.help = help
    }

    /// The names of the series a scrape shows for this metric (a histogram's three, otherwise the name itself).
    public var seriesNames: [String] {
        kind == .histogram ? [name + "_bucket", name + "_sum", name + "_count"] : [name]
    }
}

extension WorkerMetricDefinition {
    static let buildInfo = Self(
        "avatar_worker_build_info", .gauge, labels: ["version", "librdkafka_version"],
        "Always 1; the labels carry the worker's version and the librdkafka it runs with.")
    static let jobsConsumed = Self(
        "avatar_worker_jobs_consumed_total", .counter,
        "Messages taken from the jobs topic, whatever they turned out to be.")
    static let jobsRejected = Self(
        "avatar_worker_jobs_rejected_total", .counter, labels: ["code"],
        "Jobs refused by validation (a failed event is published), by their first error code.")
    static let deadLettered = Self(
        "avatar_worker_dlq_messages_total", .counter, labels: ["reason"],
        "Messages written to the dead-letter topic because they cannot be read as a job, by reason code.")
    static let creates = Self(
        "avatar_worker_creates_total", .counter, labels: ["outcome", "business_code"],
        "Create calls by outcome (created or the error kind) and the API's business code (none when it sent none).")
    static let createDuration = Self(
        "avatar_worker_create_duration_seconds", .histogram, labels: ["outcome"],
        "Time of one create call, from the request to its classified answer.")
    static let pollDuration = Self(
        "avatar_worker_poll_duration_seconds", .histogram,
        "Time of one task query (poll), from the request to its answer.")
    static let taskDuration = Self(
        "avatar_worker_task_duration_seconds", .histogram, labels: ["mode", "outcome"],
        "Time from a created task to its end (succeeded, failed or deadline exceeded), by job mode.")
    static let resultLatency = Self(
        "avatar_worker_result_latency_seconds", .histogram,
        "Time from consuming a job to the acknowledgement of its terminal result event.")
    static let stageLatency = Self(
        "avatar_worker_stage_latency_seconds", .histogram, labels: ["stage"],
        "Time the worker itself adds to a job: intake_to_create from its message received to its first create handed to the HTTP client (the submitting record's write included), decided_to_acked from its terminal outcome decided (a terminal poll answer, a failed create, a deadline) to its result event acknowledged.")
    static let pollsPerTask = Self(
        "avatar_worker_polls_per_task", .histogram,
        "Task queries one task needed until it ended.")
    static let tasksInFlight = Self(
        "avatar_worker_tasks_in_flight", .gauge,
        "Tasks this worker holds between their submitting record and their result, over all owned partitions.")
    static let partitionInFlight = Self(
        "avatar_worker_partition_tasks_in_flight", .gauge, labels: ["partition"],
        "Tasks in flight per owned jobs partition.")
    static let partitionShare = Self(
        "avatar_worker_partition_in_flight_share", .gauge, labels: ["partition"],
        "The owned partition's current limit of tasks in flight: its share of the fleet cap, shrunk by 1303 answers.")
    static let fleetCap = Self(
        "avatar_worker_fleet_in_flight_cap", .gauge,
        "The fleet-wide cap on tasks in flight that the partitions' shares divide.")
    static let consumerLag = Self(
        "avatar_worker_consumer_lag", .gauge, labels: ["partition"],
        "Jobs not yet submitted per owned jobs partition: high watermark minus the group's committed offset.")
    static let restoreDuration = Self(
        "avatar_worker_ledger_restore_duration_seconds", .histogram,
        "Time to read one ledger partition to its end on assignment (the partition takes no jobs meanwhile).")
    static let restoreRecords = Self(
        "avatar_worker_ledger_restore_records_total", .counter,
        "Ledger offsets read by restores (from the partition's restore checkpoint to its end).")
    static let checkpointLag = Self(
        "avatar_worker_ledger_checkpoint_lag", .gauge, labels: ["partition"],
        "Ledger offsets a restore of the owned partition would read: ledger end as last read minus its committed restore checkpoint (set at each restore, scan and checkpoint commit).")
    static let groupStalled = Self(
        "avatar_worker_group_stalled", .gauge,
        "1 while this worker is a group member without partitions although jobs wait and no committed offset has moved for the stall timeout (it rejoins), else 0.")
    static let groupRejoins = Self(
        "avatar_worker_group_rejoins_total", .counter,
        "Times the worker left and rejoined its consumer group because the group had stopped assigning it partitions while jobs waited.")
    static let publishFailures = Self(
        "avatar_worker_publish_failures_total", .counter,
        "Result or dead-letter writes Kafka refused (they are retried).")
    static let ledgerWriteFailures = Self(
        "avatar_worker_ledger_write_failures_total", .counter,
        "Ledger record writes Kafka refused (they are retried).")
    static let accountGateOpen = Self(
        "avatar_worker_account_gate_open", .gauge,
        "1 while submissions may go out, 0 while an account error (1100-1102) holds them.")
    static let tasksNearDeadline = Self(
        "avatar_worker_tasks_near_deadline", .gauge,
        "Tasks in flight with less than a fifth of their total deadline left.")
    static let callbackHints = Self(
        "avatar_worker_callback_hints_total", .counter, labels: ["used"],
        "Kling callbacks received; used=true when they named a task this worker tracks and made it due for a poll.")
    static let resultsPublished = Self(
        "avatar_worker_results_published_total", .counter, labels: ["type", "error_code"],
        "Terminal result events acknowledged by Kafka, by type and error code (none for succeeded).")
    static let apiErrors = Self(
        "avatar_worker_api_errors_total", .counter, labels: ["operation", "kind"],
        "Failed CometAPI calls by operation and error kind.")

    /// Every metric the worker exports, in the README's order.
    public static let all: [WorkerMetricDefinition] = [
        buildInfo, jobsConsumed, jobsRejected, deadLettered, creates, createDuration, pollDuration, taskDuration,
        resultLatency, stageLatency, pollsPerTask, resultsPublished, apiErrors, tasksInFlight, partitionInFlight, partitionShare,
        fleetCap, consumerLag, tasksNearDeadline, accountGateOpen, callbackHints, restoreDuration, restoreRecords,
        checkpointLag, groupStalled, groupRejoins, publishFailures, ledgerWriteFailures,
    ]
}

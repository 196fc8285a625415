import CometAPI
import Prometheus
import Synchronization

/// The worker's metrics in a Prometheus registry owned by this worker, with one recording method per moment of a
/// job's flow.
///
/// Each worker instance has its own registry (no global bootstrap), so several workers can run in one process (the
/// tests do) and `/metrics` shows exactly this worker's figures. The metrics are ``WorkerMetricDefinition/all``; every
/// series whose labels come from a closed set (error codes, outcomes, modes) is created at zero here, so a scrape shows
/// it before the first event and rate() and alerts work from the start. Series per owned partition appear when the
/// partition is first reported and disappear when it is released. `docs/metrics-wiring.md` says at which moment each
/// method is called.
public final class WorkerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry

    let consumed: Counter
    private let rejected: [String: Counter]
    private let deadLetters: [String: Counter]
    private let creates: [CreateSeries: Counter]
    private let createDurations: [CreateOutcome: DurationHistogram]
    private let pollDurations: DurationHistogram
    private let taskDurations: [TaskSeries: DurationHistogram]
    private let resultLatencies: DurationHistogram
    private let stageLatencies: [WorkerStage: DurationHistogram]
    private let pollCounts: ValueHistogram
    private let results: [ResultSeries: Counter]
    private let apiErrors: [APIErrorSeries: Counter]
    let totalInFlight: Gauge
    private let fleetCap: Gauge
    private let nearDeadline: Gauge
    private let gateOpen: Gauge
    private let hints: [Bool: Counter]
    private let restoreDurations: DurationHistogram
    private let restoreRecords: Counter
    private let groupStalled: Gauge
    private let groupRejoins: Counter
    private let publishFailures: Counter
    private let ledgerWriteFailures: Counter
    private let partitions = Mutex<[Int32: PartitionSeries]>([:])
    private let lags = Mutex<[Int32: Gauge]>([:])

    /// Metrics in a fresh registry, every bounded series at zero and the account gate open.
    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        typealias Definition = WorkerMetricDefinition
        func counter(_ definition: Definition, _ labels: [(String, String)] = []) -> Counter {
            labels.isEmpty
                ? registry.makeCounter(descriptor: Self.descriptor(definition))
                : registry.makeCounter(descriptor: Self.descriptor(definition), labels: labels)
        }
        func histogram(_ definition: Definition, _ buckets: [Duration], _ labels: [(String, String)] = [])
            -> DurationHistogram
        {
            labels.isEmpty
                ? registry.makeDurationHistogram(descriptor: Self.descriptor(definition), buckets: buckets)
                : registry.makeDurationHistogram(descriptor: Self.descriptor(definition), labels: labels, buckets: buckets)
        }
        func gauge(_ definition: Definition) -> Gauge { registry.makeGauge(descriptor: Self.descriptor(definition)) }

        consumed = counter(.jobsConsumed)
        rejected = Dictionary(uniqueKeysWithValues: (MetricLabel.errorCodes + [MetricLabel.other]).map {
            ($0, counter(.jobsRejected, [("code", $0)]))
        })
        deadLetters = Dictionary(uniqueKeysWithValues: (MetricLabel.errorCodes + [MetricLabel.other]).map {
            ($0, counter(.deadLettered, [("reason", $0)]))
        })
        creates = Dictionary(uniqueKeysWithValues: CreateSeries.all.map {
            ($0, counter(.creates, [("outcome", $0.outcome.name), ("business_code", $0.businessCode)]))
        })
        createDurations = Dictionary(uniqueKeysWithValues: CreateOutcome.all.map {
            ($0, histogram(.createDuration, Self.callBuckets, [("outcome", $0.name)]))
        })
        pollDurations = histogram(.pollDuration, Self.callBuckets)
        taskDurations = Dictionary(uniqueKeysWithValues: TaskSeries.all.map {
            ($0, histogram(.taskDuration, Self.taskBuckets, [("mode", $0.mode.rawValue), ("outcome", $0.outcome.name)]))
        })
        resultLatencies = histogram(.resultLatency, Self.taskBuckets)
        stageLatencies = Dictionary(uniqueKeysWithValues: WorkerStage.allCases.map {
            ($0, histogram(.stageLatency, Self.stageBuckets, [("stage", $0.rawValue)]))
        })
        pollCounts = registry.makeValueHistogram(
            descriptor: Self.descriptor(.pollsPerTask), buckets: [1, 2, 3, 5, 8, 13, 21, 34, 55, 89, 144])
        results = Dictionary(uniqueKeysWithValues: ResultSeries.all.map {
            ($0, counter(.resultsPublished, [("type", $0.type), ("error_code", $0.errorCode)]))
        })
        apiErrors = Dictionary(uniqueKeysWithValues: APIErrorSeries.all.map {
            ($0, counter(.apiErrors, [("operation", $0.operation.rawValue), ("kind", $0.kind.rawValue)]))
        })
        totalInFlight = gauge(.tasksInFlight)
        fleetCap = gauge(.fleetCap)
        nearDeadline = gauge(.tasksNearDeadline)
        gateOpen = gauge(.accountGateOpen)
        gateOpen.set(to: 1)
        hints = [true: counter(.callbackHints, [("used", "true")]), false: counter(.callbackHints, [("used", "false")])]
        restoreDurations = histogram(.restoreDuration, Self.restoreBuckets)
        restoreRecords = counter(.restoreRecords)
        groupStalled = gauge(.groupStalled)
        groupRejoins = counter(.groupRejoins)
        publishFailures = counter(.publishFailures)
        ledgerWriteFailures = counter(.ledgerWriteFailures)
    }

    // MARK: - Start-up and intake

    /// Sets `avatar_worker_build_info` (1, with the versions as labels). Called once at start-up.
    public func buildInfo(version: String, librdkafka: String) {
        registry.makeGauge(
            descriptor: Self.descriptor(.buildInfo), labels: [("version", version), ("librdkafka_version", librdkafka)]
        ).set(to: 1)
    }

    /// A message was taken from the jobs topic (before it is classified).
    public func jobConsumed() { consumed.increment() }

    /// A readable job was refused by validation; `code` is its first error code.
    public func jobRejected(code: String) { rejected[MetricLabel.errorCode(code)]?.increment() }

    /// A message that cannot be read as a job was written to the dead-letter topic (its write acknowledged).
    public func deadLettered(reason: String) { deadLetters[MetricLabel.errorCode(reason)]?.increment() }

    // MARK: - Submission and polling

    /// A create call was answered: `outcome` is `.created` or the error's kind, `businessCode` the API's business code
    /// (0 on success, nil when the answer had none), `duration` the call's time from request to classified answer.
    public func createFinished(outcome: CreateOutcome, businessCode: Int?, duration: Duration) {
        // Success means business code 0 (DESIGN.md), whether the answer spelled it out or not.
        let code = outcome == .created ? "0" : MetricLabel.businessCode(businessCode)
        creates[CreateSeries(outcome: outcome, businessCode: code)]?.increment()
        createDurations[outcome]?.record(duration)
    }

    func countCreated() { creates[CreateSeries(outcome: .created, businessCode: "0")]?.increment() }

    /// A task query (poll) was answered, successfully or not, after `duration`.
    public func pollFinished(duration: Duration) { pollDurations.record(duration) }

    /// A CometAPI call failed with `error` (counted by operation and kind, in addition to the moment's own metric).
    public func apiError(_ error: CometAPIError) {
        apiErrors[APIErrorSeries(operation: error.operation, kind: error.kind)]?.increment()
    }

    /// A created task ended: `duration` runs from the task's creation (its task id) to its end, `polls` is how many
    /// queries it took.
    public func taskEnded(mode: PollMode, outcome: TaskOutcome, duration: Duration, polls: Int) {
        taskDurations[TaskSeries(mode: mode, outcome: outcome)]?.record(duration)
        pollCounts.record(Double(polls))
    }

    /// The terminal result event of a job was acknowledged by Kafka, `sinceConsumed` after its message was consumed;
    /// `errorCode` is the failed event's `error.code` (nil for `succeeded`).
    public func resultAcked(succeeded: Bool, errorCode: String?, sinceConsumed: Duration) {
        countResult(succeeded: succeeded, errorCode: errorCode)
        resultLatencies.record(sinceConsumed)
    }

    /// A job passed through one of the worker's own stages (``WorkerStage``) in `duration`.
    public func stageFinished(_ stage: WorkerStage, duration: Duration) {
        stageLatencies[stage]?.record(duration)
    }

    func countResult(succeeded: Bool, errorCode: String?) {
        let code = succeeded ? MetricLabel.none : MetricLabel.errorCode(errorCode ?? MetricLabel.other)
        results[ResultSeries(type: succeeded ? "succeeded" : "failed", errorCode: code)]?.increment()
    }

    // MARK: - State

    /// The state of owned jobs partition `partition`: tasks in flight, its current limit (share) and the fleet cap.
    public func partitionState(partition: Int32, inFlight: Int, share: Int, cap: Int) {
        let series = series(of: partition)
        series.inFlight.set(to: Double(inFlight))
        series.share.set(to: Double(share))
        fleetCap.set(to: Double(cap))
    }

    /// The consumer lag of owned jobs partition `partition` (high watermark minus committed offset); nil removes the
    /// series (the partition is no longer owned).
    public func consumerLag(partition: Int32, lag: Int64?) {
        let gauge = lags.withLock { lags -> Gauge? in
            guard lag != nil else { return lags.removeValue(forKey: partition) }
            if let existing = lags[partition] { return existing }
            let created = registry.makeGauge(
                descriptor: Self.descriptor(.consumerLag), labels: [("partition", String(partition))])
            lags[partition] = created
            return created
        }
        guard let gauge else { return }
        if let lag { gauge.set(to: Double(lag)) } else { registry.unregisterGauge(gauge) }
    }

    /// Owned partition `partition`'s restore checkpoint was committed `lag` offsets below its ledger's end.
    public func checkpointLag(partition: Int32, lag: Int64) {
        series(of: partition).checkpointLag.set(to: Double(lag))
    }

    private func series(of partition: Int32) -> PartitionSeries {
        partitions.withLock { partitions in
            if let existing = partitions[partition] { return existing }
            let created = PartitionSeries(partition: partition, registry: registry)
            partitions[partition] = created
            return created
        }
    }

    /// Jobs partition `partition` was revoked: its per-partition series leave the scrape.
    public func partitionReleased(partition: Int32) {
        partitions.withLock { $0.removeValue(forKey: partition) }?.unregister(from: registry)
        consumerLag(partition: partition, lag: nil)
    }

    /// The partitions `status` reports, with `cap` as the fleet cap: every owned partition's state is set and the
    /// series of partitions no longer owned are removed. The admin server calls it before each scrape.
    public func record(_ status: WorkerStatus, fleetCap cap: Int) {
        let owned = Set(status.partitions.map(\.partition))
        let released = partitions.withLock { Set($0.keys) }.subtracting(owned)
        for partition in released { partitionReleased(partition: partition) }
        for partition in status.partitions {
            partitionState(
                partition: partition.partition, inFlight: partition.tasksInFlight, share: partition.inFlightLimit, cap: cap)
        }
        totalInFlight.set(to: Double(status.partitions.reduce(0) { $0 + $1.tasksInFlight }))
        fleetCap.set(to: Double(cap))
    }

    /// Tasks in flight with less than a fifth of their total deadline left (the pipeline recounts on each timer).
    public func tasksNearDeadline(count: Int) { nearDeadline.set(to: Double(count)) }

    /// The account gate opened (submissions go out) or closed (an account error holds them).
    public func accountGate(open: Bool) { gateOpen.set(to: open ? 1 : 0) }

    /// Whether the group has stopped feeding this worker (see `GroupStallDetector`).
    public func groupStall(_ stalled: Bool) { groupStalled.set(to: stalled ? 1 : 0) }

    /// The worker left and rejoined its group because of a stall.
    public func groupRejoined() { groupRejoins.increment() }

    /// A Kling callback arrived; `used` when it named a tracked task and made it due for a poll.
    public func callbackHint(used: Bool) { hints[used]?.increment() }

    /// A ledger partition was restored: read from its checkpoint to its end (`offsets` offsets) in `duration`.
    public func restoreFinished(duration: Duration, offsets: Int64) {
        restoreDurations.record(duration)
        restoreRecords.increment(by: offsets)
    }

    /// Kafka refused a result or dead-letter write (it is retried).
    public func publishFailed() { publishFailures.increment() }

    /// Kafka refused a ledger record write (it is retried).
    public func ledgerWriteFailed() { ledgerWriteFailures.increment() }

    /// The Prometheus text exposition of every metric.
    public func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    static func descriptor(_ definition: WorkerMetricDefinition) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: definition.name, unitName: "", helpText: definition.help)
    }

    /// API calls: from a fast query to a create that waits out a slow gateway.
    static let callBuckets: [Duration] = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60].map { .seconds($0) }
    /// The worker's own stages: fine below 10 ms (the latency target of `bench latency`), coarse above.
    static let stageBuckets: [Duration] = [
        0.0005, 0.001, 0.0015, 0.002, 0.003, 0.004, 0.005, 0.006, 0.008, 0.01, 0.0125, 0.015, 0.02, 0.03, 0.05, 0.1,
        0.25, 0.5, 1, 2.5, 5, 10,
    ].map { .seconds($0) }
    /// Tasks and whole jobs: seconds (the simulator) to the hours a total deadline allows.
    static let taskBuckets: [Duration] = [1, 5, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200].map { .seconds($0) }
    /// Restores: milliseconds for a compacted ledger to minutes for a long history.
    static let restoreBuckets: [Duration] = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300].map { .seconds($0) }
}

/// The stretches of a job's flow that are the worker's own work (no API task time in them), for
/// `avatar_worker_stage_latency_seconds`.
public enum WorkerStage: String, CaseIterable, Sendable {
    /// From the job's message received to its first create call handed to the HTTP client: validation, the
    /// submitting record's ledger write and its acknowledgement, the create queue.
    case intakeToCreate = "intake_to_create"
    /// From the job's terminal outcome decided (a terminal poll answer, a failed create, a deadline) to its result
    /// event acknowledged by Kafka.
    case decidedToAcked = "decided_to_acked"
}

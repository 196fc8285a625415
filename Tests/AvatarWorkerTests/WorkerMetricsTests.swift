import CometAPI
import Foundation
import TestSupport
import WorkerTestSupport
import Testing

@testable import AvatarWorker

/// `WorkerMetrics`: every metric exists from the start with bounded labels, moments are recorded where they belong,
/// per-partition series come and go with the partitions, and the README and the wiring doc list what the code has.
@Suite("Worker metrics")
struct WorkerMetricsTests {
    /// The partition-labelled metrics: they appear once a partition is owned.
    static let perPartition: Set<String> = [
        WorkerMetricDefinition.partitionInFlight.name, WorkerMetricDefinition.partitionShare.name,
        WorkerMetricDefinition.consumerLag.name, WorkerMetricDefinition.checkpointLag.name,
    ]

    @Test("A fresh worker's scrape has every metric with HELP and TYPE, bounded series at zero, the gate open")
    func everyMetricFromTheStart() {
        let metrics = WorkerMetrics()
        metrics.buildInfo(version: "9.9.9", librdkafka: "2.8.0")
        let render = metrics.render()
        for definition in WorkerMetricDefinition.all where !Self.perPartition.contains(definition.name) {
            #expect(render.contains("# TYPE \(definition.name) \(definition.kind)"), "\(definition.name) missing")
            #expect(render.contains("# HELP \(definition.name) \(definition.help)"), "\(definition.name) has no help")
        }
        let samples = PrometheusSamples(render).samples
        func has(_ name: String, _ labels: [String: String], value: Double = 0) -> Bool {
            samples.contains { $0.name == name && $0.labels == labels && $0.value == value }
        }
        #expect(has("avatar_worker_build_info", ["version": "9.9.9", "librdkafka_version": "2.8.0"], value: 1))
        #expect(has("avatar_worker_account_gate_open", [:], value: 1))
        #expect(has("avatar_worker_jobs_rejected_total", ["code": "image.too_small"]))
        #expect(has("avatar_worker_creates_total", ["outcome": "throttled", "business_code": "1303"]))
        #expect(has("avatar_worker_task_duration_seconds_count", ["mode": "pro", "outcome": "deadline_exceeded"]))
        #expect(has("avatar_worker_api_errors_total", ["operation": "query_avatar_task", "kind": "transient"]))
    }

    @Test("Each moment lands in its metric; values outside a label's closed set count as other")
    func momentsAndBoundedLabels() {
        let metrics = WorkerMetrics()
        metrics.jobConsumed()
        metrics.jobRejected(code: "image.too_small")
        metrics.jobRejected(code: "job-4711 secret payload")
        metrics.deadLettered(reason: "job.not_json")
        metrics.createFinished(outcome: .created, businessCode: nil, duration: .milliseconds(300))
        metrics.createFinished(outcome: CreateOutcome(.throttled), businessCode: 1303, duration: .milliseconds(40))
        metrics.createFinished(outcome: CreateOutcome(.permanent), businessCode: 4242, duration: .milliseconds(40))
        metrics.pollFinished(duration: .milliseconds(20))
        metrics.taskEnded(mode: .pro, outcome: .succeeded, duration: .seconds(90), polls: 7)
        metrics.resultAcked(succeeded: false, errorCode: "task.failed", sinceConsumed: .seconds(100))
        metrics.resultAcked(succeeded: false, errorCode: "made.up", sinceConsumed: .seconds(1))
        metrics.restoreFinished(duration: .milliseconds(250), offsets: 40)
        metrics.accountGate(open: false)
        metrics.callbackHint(used: true)
        metrics.publishFailed()
        metrics.ledgerWriteFailed()
        metrics.tasksNearDeadline(count: 2)
        let samples = PrometheusSamples(metrics.render())
        func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
            samples.samples.first { $0.name == name && $0.labels == labels }?.value
        }
        #expect(value("avatar_worker_jobs_consumed_total") == 1)
        #expect(value("avatar_worker_jobs_rejected_total", ["code": "image.too_small"]) == 1)
        #expect(value("avatar_worker_jobs_rejected_total", ["code": "other"]) == 1)
        #expect(value("avatar_worker_dlq_messages_total", ["reason": "job.not_json"]) == 1)
        #expect(value("avatar_worker_creates_total", ["outcome": "created", "business_code": "0"]) == 1)
        #expect(value("avatar_worker_creates_total", ["outcome": "throttled", "business_code": "1303"]) == 1)
        #expect(value("avatar_worker_creates_total", ["outcome": "permanent", "business_code": "other"]) == 1)
        #expect(value("avatar_worker_create_duration_seconds_count", ["outcome": "created"]) == 1)
        #expect(value("avatar_worker_poll_duration_seconds_count") == 1)
        #expect(value("avatar_worker_task_duration_seconds_sum", ["mode": "pro", "outcome": "succeeded"]) == 90)
        #expect(value("avatar_worker_polls_per_task_sum") == 7)
        #expect(value("avatar_worker_results_published_total", ["type": "failed", "error_code": "task.failed"]) == 1)
        #expect(value("avatar_worker_results_published_total", ["type": "failed", "error_code": "other"]) == 1)
        #expect(value("avatar_worker_result_latency_seconds_count") == 2)
        #expect(value("avatar_worker_ledger_restore_records_total") == 40)
        #expect(value("avatar_worker_account_gate_open") == 0)
        #expect(value("avatar_worker_callback_hints_total", ["used": "true"]) == 1)
        #expect(value("avatar_worker_publish_failures_total") == 1)
        #expect(value("avatar_worker_ledger_write_failures_total") == 1)
        #expect(value("avatar_worker_tasks_near_deadline") == 2)
        #expect(!metrics.render().contains("job-4711"), "a label value outside its set leaked into the scrape")
    }

    @Test("API errors count by operation and kind")
    func apiErrorsByOperationAndKind() {
        let metrics = WorkerMetrics()
        metrics.apiError(CometAPIError(kind: .throttled, operation: .createAvatarTask, message: "slow down"))
        #expect(metrics.render().contains(#"avatar_worker_api_errors_total{operation="create_avatar_task",kind="throttled"} 1"#))
    }

    @Test("Partition series appear with an owned partition and leave with it")
    func partitionSeriesFollowOwnership() {
        let metrics = WorkerMetrics()
        func status(_ partitions: [Int32]) -> WorkerStatus {
            WorkerStatus(
                workerID: "w", ready: true, exactlyOnce: false,
                partitions: partitions.map {
                    WorkerStatus.Partition(
                        partition: $0, epoch: 1, phase: "active", restoring: false, tasksInFlight: Int($0) + 2,
                        inFlightLimit: 5, share: 5, pausedForCapacity: false, committedOffset: nil, storedOffset: nil)
                },
                jobsTracked: 0, pendingPublications: 0, pendingTombstones: 0)
        }
        metrics.record(status([0, 1]), fleetCap: 10)
        metrics.consumerLag(partition: 0, lag: 12)
        var render = metrics.render()
        #expect(render.contains(#"avatar_worker_partition_tasks_in_flight{partition="0"} 2"#))
        #expect(render.contains(#"avatar_worker_partition_in_flight_share{partition="1"} 5"#))
        #expect(render.contains(#"avatar_worker_consumer_lag{partition="0"} 12"#))
        #expect(render.contains("avatar_worker_tasks_in_flight 5"))
        #expect(render.contains("avatar_worker_fleet_in_flight_cap 10"))
        metrics.record(status([1]), fleetCap: 10)
        render = metrics.render()
        #expect(!render.contains(#"partition="0""#), "partition 0 was released")
        #expect(render.contains(#"avatar_worker_partition_tasks_in_flight{partition="1"} 3"#))
        metrics.consumerLag(partition: 3, lag: 1)
        metrics.consumerLag(partition: 3, lag: nil)
        #expect(!metrics.render().contains(#"partition="3""#))
    }

    @Test("Each observation of the pipeline core lands in its metric, with its labels")
    func coreObservations() {
        let metrics = WorkerMetrics()
        let observations: [PipelineCore.Observation] = [
            .consumed, .consumed, .rejected(code: "image.too_small"), .deadLettered(code: "job.not_json"),
            .createFinished(failure: nil, businessCode: nil, seconds: 0.3),
            .createFinished(failure: .throttled, businessCode: 1303, seconds: 0.1),
            .pollFinished(seconds: 0.2),
            .taskEnded(mode: .pro, outcome: .deadlineExceeded, seconds: 90, polls: 4),
            .resultAcked(type: .failed, errorCode: "deadline.exceeded", secondsSinceConsumed: 95, secondsSinceDecided: 0.003),
            .resultAcked(type: .failed, errorCode: "image.too_small", secondsSinceConsumed: nil),
            .partitionCapacity(partition: 2, inFlight: 3, limit: 4, share: 5),
            .restoreFinished(partition: 2, seconds: 1.5, liveRecords: 3, from: 10, end: 17),
            .ledgerCheckpoint(partition: 2, checkpoint: 15, end: 17),
            .publishFailed, .ledgerWriteFailed, .accountGate(open: false),
            .callbackHint(used: true), .resultDecided(jobID: "j", type: "failed"),
        ]
        for observation in observations { metrics.record(observation, fleetCap: 20) }
        let samples = PrometheusSamples(metrics.render())
        #expect(samples.sum("avatar_worker_jobs_consumed_total") == 2)
        #expect(samples.sum("avatar_worker_jobs_rejected_total", where: ["code": "image.too_small"]) == 1)
        #expect(samples.sum("avatar_worker_dlq_messages_total", where: ["reason": "job.not_json"]) == 1)
        #expect(samples.sum("avatar_worker_creates_total", where: ["outcome": "created"]) == 1)
        #expect(samples.sum("avatar_worker_creates_total", where: ["outcome": "throttled", "business_code": "1303"]) == 1)
        #expect(samples.sum("avatar_worker_poll_duration_seconds_count") == 1)
        #expect(samples.sum(
            "avatar_worker_task_duration_seconds_count", where: ["mode": "pro", "outcome": "deadline_exceeded"]) == 1)
        #expect(samples.sum("avatar_worker_polls_per_task_sum") == 4)
        #expect(samples.sum("avatar_worker_results_published_total", where: ["error_code": "deadline.exceeded"]) == 1)
        #expect(samples.sum("avatar_worker_results_published_total", where: ["error_code": "image.too_small"]) == 1)
        #expect(samples.sum("avatar_worker_result_latency_seconds_count") == 1, "only the job consumed here has a latency")
        #expect(samples.sum("avatar_worker_stage_latency_seconds_count", where: ["stage": "decided_to_acked"]) == 1)
        #expect(samples.sum("avatar_worker_stage_latency_seconds_bucket", where: ["stage": "decided_to_acked", "le": "0.003"]) == 1)
        #expect(samples.sum("avatar_worker_stage_latency_seconds_bucket", where: ["stage": "decided_to_acked", "le": "0.002"]) == 0)
        #expect(samples.sum("avatar_worker_stage_latency_seconds_count", where: ["stage": "intake_to_create"]) == 0)
        metrics.stageFinished(.intakeToCreate, duration: .microseconds(700))
        #expect(PrometheusSamples(metrics.render()).sum(
            "avatar_worker_stage_latency_seconds_bucket", where: ["stage": "intake_to_create", "le": "0.001"]) == 1)
        #expect(samples.sum("avatar_worker_partition_tasks_in_flight", where: ["partition": "2"]) == 3)
        #expect(samples.sum("avatar_worker_partition_in_flight_share", where: ["partition": "2"]) == 4)
        #expect(samples.sum("avatar_worker_fleet_in_flight_cap") == 20)
        #expect(samples.sum("avatar_worker_ledger_restore_records_total") == 7, "the offsets read, not the live records")
        #expect(samples.sum("avatar_worker_ledger_checkpoint_lag", where: ["partition": "2"]) == 2)
        #expect(samples.sum("avatar_worker_publish_failures_total") == 1)
        #expect(samples.sum("avatar_worker_ledger_write_failures_total") == 1)
        #expect(samples.sum("avatar_worker_account_gate_open") == 0)
        #expect(samples.sum("avatar_worker_callback_hints_total") == 0, "the admin server counts hints, not the core")
        metrics.record(.partitionReleased(partition: 2), fleetCap: 20)
        #expect(!metrics.render().contains(#"partition="2""#))
    }

    @Test("The README's metric table lists exactly the metrics the worker exports")
    func readmeTable() throws {
        let readme = try String(contentsOf: PackageRoot.url.appendingPathComponent("README.md"), encoding: .utf8)
        let listed = Set(readme.matches(of: /^\| `(avatar_worker_[a-z0-9_]+)` \|/.anchorsMatchLineEndings()).map { String($0.output.1) })
        #expect(listed == Set(WorkerMetricDefinition.all.map(\.name)))
    }

    @Test("docs/metrics-wiring.md says when each recording method is called")
    func wiringDocument() throws {
        let document = try String(
            contentsOf: PackageRoot.url.appendingPathComponent("docs/metrics-wiring.md"), encoding: .utf8)
        let methods = [
            "buildInfo(version:librdkafka:)", "jobConsumed()", "jobRejected(code:)", "deadLettered(reason:)",
            "createFinished(outcome:businessCode:duration:)", "pollFinished(duration:)", "apiError(_:)",
            "taskEnded(mode:outcome:duration:polls:)", "resultAcked(succeeded:errorCode:sinceConsumed:)",
            "stageFinished(_:duration:)",
            "partitionState(partition:inFlight:share:cap:)", "consumerLag(partition:lag:)", "partitionReleased(partition:)",
            "record(_:fleetCap:)", "tasksNearDeadline(count:)", "accountGate(open:)", "callbackHint(used:)",
            "restoreFinished(duration:offsets:)", "checkpointLag(partition:lag:)", "publishFailed()", "ledgerWriteFailed()",
        ]
        for method in methods { #expect(document.contains("`\(method)`"), "\(method) is not in the wiring doc") }
    }
}

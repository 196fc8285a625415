import CometAPI
import Prometheus

/// The label combinations of the metrics with more than one label, and the series of one owned partition.
extension WorkerMetrics {
    /// One `avatar_worker_creates_total` series: the pairs an answer can really produce (a success has code 0; an error
    /// a documented code, none, or one outside the table).
    struct CreateSeries: Hashable, Sendable {
        let outcome: CreateOutcome
        let businessCode: String

        static let all: [CreateSeries] = [CreateSeries(outcome: .created, businessCode: "0")]
            + CometAPIError.Kind.allCases.flatMap { kind in
                (MetricLabel.businessCodes.filter { ErrorClassification.kind(forBusinessCode: Int($0) ?? 0) == kind }
                    + [MetricLabel.none, MetricLabel.other])
                    .map { CreateSeries(outcome: CreateOutcome(kind), businessCode: $0) }
            }
    }

    /// One `avatar_worker_task_duration_seconds` series.
    struct TaskSeries: Hashable, Sendable {
        let mode: PollMode
        let outcome: TaskOutcome

        static let all = PollMode.allCases.flatMap { mode in TaskOutcome.all.map { TaskSeries(mode: mode, outcome: $0) } }
    }

    /// One `avatar_worker_results_published_total` series.
    struct ResultSeries: Hashable, Sendable {
        let type: String
        let errorCode: String

        static let all = [ResultSeries(type: "succeeded", errorCode: MetricLabel.none)]
            + (MetricLabel.errorCodes + [MetricLabel.other]).map { ResultSeries(type: "failed", errorCode: $0) }
    }

    /// One `avatar_worker_api_errors_total` series.
    struct APIErrorSeries: Hashable, Sendable {
        let operation: CometAPIError.Operation
        let kind: CometAPIError.Kind

        static let all = MetricLabel.operations.flatMap { operation in
            CometAPIError.Kind.allCases.map { APIErrorSeries(operation: operation, kind: $0) }
        }
    }

    /// The in-flight, share and checkpoint-lag gauges of one owned jobs partition, created when it is first reported.
    struct PartitionSeries: Sendable {
        let inFlight: Gauge
        let share: Gauge
        let checkpointLag: Gauge

        init(partition: Int32, registry: PrometheusCollectorRegistry) {
            let labels = [("partition", String(partition))]
            inFlight = registry.makeGauge(descriptor: WorkerMetrics.descriptor(.partitionInFlight), labels: labels)
            share = registry.makeGauge(descriptor: WorkerMetrics.descriptor(.partitionShare), labels: labels)
            checkpointLag = registry.makeGauge(descriptor: WorkerMetrics.descriptor(.checkpointLag), labels: labels)
        }

        func unregister(from registry: PrometheusCollectorRegistry) {
            registry.unregisterGauge(inFlight)
            registry.unregisterGauge(share)
            registry.unregisterGauge(checkpointLag)
        }
    }
}

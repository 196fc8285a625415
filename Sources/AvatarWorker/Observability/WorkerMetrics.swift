import CometAPI
import Metrics
import Prometheus

/// The worker's metrics, recorded through swift-metrics into a Prometheus registry owned by this worker.
///
/// Each worker instance has its own registry (no global bootstrap), so several workers can run in one process (the
/// tests do) and `/metrics` shows exactly this worker's figures. Names follow the process contract.
public final class WorkerMetrics: Sendable {
    /// The registry `/metrics` renders.
    public let registry: PrometheusCollectorRegistry
    let jobsReceived: Metrics.Counter
    let jobsInvalid: Metrics.Counter
    let tasksCreated: Metrics.Counter
    let dlqMessages: Metrics.Counter
    let tasksInFlight: Metrics.Gauge
    private let resultsPublished: [String: Metrics.Counter]
    private let apiErrors: [String: Metrics.Counter]

    /// Metrics in a fresh registry.
    public init() {
        let registry = PrometheusCollectorRegistry()
        let factory = PrometheusMetricsFactory(registry: registry)
        self.registry = registry
        jobsReceived = Metrics.Counter(label: "avatar_jobs_received_total", factory: factory)
        jobsInvalid = Metrics.Counter(label: "avatar_jobs_invalid_total", factory: factory)
        tasksCreated = Metrics.Counter(label: "avatar_tasks_created_total", factory: factory)
        dlqMessages = Metrics.Counter(label: "avatar_dlq_messages_total", factory: factory)
        tasksInFlight = Metrics.Gauge(label: "avatar_tasks_in_flight", factory: factory)
        var results: [String: Metrics.Counter] = [:]
        for type in ["succeeded", "failed"] {
            results[type] = Metrics.Counter(label: "avatar_results_published_total", dimensions: [("type", type)], factory: factory)
        }
        resultsPublished = results
        var errors: [String: Metrics.Counter] = [:]
        for kind in CometAPIError.Kind.allCases {
            errors[kind.rawValue] = Metrics.Counter(
                label: "avatar_api_errors_total", dimensions: [("kind", kind.rawValue)], factory: factory)
        }
        apiErrors = errors
    }

    /// Counts a published result event of `type`.
    func resultPublished(type: String) {
        resultsPublished[type]?.increment()
    }

    /// Counts a failed API call by its error kind.
    func apiError(_ error: CometAPIError) {
        apiErrors[error.kind.rawValue]?.increment()
    }

    /// The Prometheus text exposition of every metric.
    public func render() -> String {
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }
}

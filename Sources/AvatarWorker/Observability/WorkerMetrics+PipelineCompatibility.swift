import Prometheus

/// The recording calls `JobPipeline` makes today, kept so it builds unchanged until the pipeline rewrite calls the
/// moment methods (`docs/metrics-wiring.md`). Each forwards to the metric that replaced it; a call that cannot name
/// the label it lacks (a rejection's code) counts under `other`. Delete this file once nothing uses it.
extension WorkerMetrics {
    /// A counter the pipeline increments; forwards to a moment method.
    struct PipelineCounter: Sendable {
        let record: @Sendable () -> Void
        func increment() { record() }
    }

    /// The pipeline's total of tasks in flight; forwards to `avatar_worker_tasks_in_flight`.
    struct PipelineGauge: Sendable {
        let gauge: Gauge
        func record(_ value: some BinaryInteger) { gauge.set(to: Double(value)) }
    }

    /// Today's `metrics.jobsReceived.increment()`: ``jobConsumed()``.
    var jobsReceived: PipelineCounter { PipelineCounter { self.jobConsumed() } }
    /// Today's `metrics.jobsInvalid.increment()`: ``jobRejected(code:)`` without a code.
    var jobsInvalid: PipelineCounter { PipelineCounter { self.jobRejected(code: MetricLabel.other) } }
    /// Today's `metrics.dlqMessages.increment()`: ``deadLettered(reason:)`` without a reason.
    var dlqMessages: PipelineCounter { PipelineCounter { self.deadLettered(reason: MetricLabel.other) } }
    /// Today's `metrics.tasksCreated.increment()`: a created outcome without its duration.
    var tasksCreated: PipelineCounter { PipelineCounter { self.countCreated() } }
    /// Today's `metrics.tasksInFlight.record(n)`.
    var tasksInFlight: PipelineGauge { PipelineGauge(gauge: totalInFlight) }

    /// Today's `metrics.resultPublished(type:)`: ``resultAcked(succeeded:errorCode:sinceConsumed:)`` without the code
    /// and the latency.
    func resultPublished(type: String) {
        countResult(succeeded: type == "succeeded", errorCode: nil)
    }
}

@testable import avatar_worker
import Foundation
import Testing

/// What the pipeline benchmarks read from the processes they measure: a worker's `/metrics` text, a histogram's
/// quantiles, `/proc/<pid>/status` and the wrk script's request mix.
@Suite("Benchmark readings")
struct BenchReadingTests {
    static let exposition = """
        # HELP avatar_worker_tasks_in_flight Tasks this worker holds.
        # TYPE avatar_worker_tasks_in_flight gauge
        avatar_worker_tasks_in_flight 1234
        avatar_worker_results_published_total{type="failed",error_code="task.failed"} 3
        avatar_worker_results_published_total{type="succeeded",error_code="none"} 7
        avatar_worker_odd{label="a \\"quoted\\", value"} 1.5
        avatar_worker_stage_latency_seconds_bucket{stage="intake_to_create",le="0.001"} 10
        avatar_worker_stage_latency_seconds_bucket{stage="intake_to_create",le="0.002"} 60
        avatar_worker_stage_latency_seconds_bucket{stage="intake_to_create",le="0.01"} 99
        avatar_worker_stage_latency_seconds_bucket{stage="intake_to_create",le="+Inf"} 100
        avatar_worker_stage_latency_seconds_sum{stage="intake_to_create"} 0.25
        avatar_worker_stage_latency_seconds_count{stage="intake_to_create"} 100
        avatar_worker_stage_latency_seconds_bucket{stage="decided_to_acked",le="0.001"} 0
        avatar_worker_stage_latency_seconds_bucket{stage="decided_to_acked",le="0.002"} 0
        avatar_worker_stage_latency_seconds_bucket{stage="decided_to_acked",le="0.01"} 0
        avatar_worker_stage_latency_seconds_bucket{stage="decided_to_acked",le="+Inf"} 0
        avatar_worker_stage_latency_seconds_count{stage="decided_to_acked"} 0
        """

    @Test("broker probe quantiles by nearest rank: p50, p99 and the maximum of known samples; nil without samples")
    func nearestRank() {
        let hundred = (1...100).map(Double.init)
        #expect(BenchLatencyCommand.nearestRank(0.5, of: hundred) == 50)
        #expect(BenchLatencyCommand.nearestRank(0.99, of: hundred) == 99)
        #expect(BenchLatencyCommand.nearestRank(1, of: hundred) == 100)
        #expect(BenchLatencyCommand.nearestRank(0, of: hundred) == 1)
        #expect(BenchLatencyCommand.nearestRank(0.99, of: [0.004, 0.007, 0.030]) == 0.030)
        #expect(BenchLatencyCommand.nearestRank(0.5, of: [0.004, 0.007, 0.030]) == 0.007)
        #expect(BenchLatencyCommand.nearestRank(0.5, of: []) == nil)
    }

    @Test("samples: plain and labelled lines, sums over matching labels, escaped quotes inside a value")
    func samples() {
        let text = PrometheusText(Self.exposition)
        #expect(text.sum("avatar_worker_tasks_in_flight") == 1234)
        #expect(text.sum("avatar_worker_results_published_total") == 10)
        #expect(text.sum("avatar_worker_results_published_total", where: ["type": "failed"]) == 3)
        #expect(text.sum("avatar_worker_results_published_total", where: ["type": "other"]) == 0)
        #expect(text.samples.first { $0.name == "avatar_worker_odd" }?.labels["label"] == #"a "quoted", value"#)
        #expect(text.sum("avatar_worker_odd") == 1.5)
        #expect(PrometheusText("not a sample line\n{broken 1").samples.isEmpty)
    }

    @Test("histogram quantiles as histogram_quantile estimates them, and the bucket bound of the maximum")
    func quantiles() throws {
        let histogram = PrometheusText(Self.exposition)
            .histogram("avatar_worker_stage_latency_seconds", where: ["stage": "intake_to_create"])
        #expect(histogram.count == 100)
        #expect(histogram.buckets.map(\.upper) == [0.001, 0.002, 0.01, .infinity])
        // The median, rank 50, lies in (0.001, 0.002] holding ranks 11…60: 0.001 + 0.001 × 40/50.
        let median = try #require(histogram.quantile(0.5))
        #expect(abs(median - 0.0018) < 1e-12)
        // p99, rank 99, is the top of the (0.002, 0.01] bucket.
        let p99 = try #require(histogram.quantile(0.99))
        #expect(abs(p99 - 0.01) < 1e-12)
        // The last observation is above every finite bound.
        #expect(histogram.maximumBound == .infinity)
        #expect(histogram.quantile(1) == 0.01, "a quantile in +Inf is the highest finite bound")
        #expect(histogram.mean == 0.0025)
        let empty = PrometheusText(Self.exposition)
            .histogram("avatar_worker_stage_latency_seconds", where: ["stage": "decided_to_acked"])
        #expect(empty.quantile(0.5) == nil && empty.maximumBound == nil && empty.mean == nil)
    }

    @Test("a later scrape minus an earlier one is the window between them")
    func window() {
        let earlier = HistogramSnapshot(buckets: [(0.001, 5), (0.002, 5), (.infinity, 5)], count: 5, sum: 0.004)
        let later = HistogramSnapshot(buckets: [(0.001, 5), (0.002, 15), (.infinity, 15)], count: 15, sum: 0.02)
        let window = later.subtracting(earlier)
        #expect(window.count == 10)
        #expect(window.buckets.map(\.count) == [0, 10, 10])
        #expect(window.maximumBound == 0.002)
        #expect(window.quantile(0.5) == 0.0015)
    }

    @Test("resident memory from /proc/<pid>/status, in bytes; this process has some")
    func residentMemory() {
        let status = "Name:\tavatar-worker\nVmPeak:\t  900000 kB\nVmRSS:\t  123456 kB\nRssAnon:\t   100000 kB\nThreads:\t9\n"
        #expect(ProcessMemory.residentBytes(status: status) == 123_456 * 1024)
        #expect(ProcessMemory.residentBytes(status: status, field: "RssAnon:") == 100_000 * 1024)
        #expect(ProcessMemory.anonymousBytes(of: getpid()) > 0)
        #expect(ProcessMemory.residentBytes(status: "Name:\tx\n") == 0)
        #expect(ProcessMemory.residentBytes(of: getpid()) > 0)
    }

    @Test("the wrk script sends creates and queries in the round's proportion")
    func wrkMix() {
        let script = BenchWrk.mixScript(creates: 1000, queries: 3000, taskID: "42", prefix: "tp-1")
        #expect(script.contains("local creates, total = 1000, 4000"))
        #expect(script.contains(#"wrk.format("GET", "/kling/v1/videos/avatar/image2video/42", headers)"#))
        #expect(script.contains(#""external_task_id":"tp-1-wrk-' .. id .. '-' .. counter .. '""#))
        // The script's rule, a create whenever floor(n × creates / total) steps, gives exactly one in four.
        let creates = (1...4000).filter { ($0 * 1000 / 4000) > (($0 - 1) * 1000 / 4000) }.count
        #expect(creates == 1000)
    }
}

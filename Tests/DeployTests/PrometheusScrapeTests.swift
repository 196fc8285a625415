import AvatarWorker
import Foundation
import TestSupport
import WorkerTestSupport
import Testing

/// A real Prometheus, configured from what deploy/ ships, scrapes a running worker while jobs go through it.
@Suite("Prometheus scrape")
struct PrometheusScrapeTests {
    @Test("Prometheus scrapes the worker, loads the alert rules, and sees the jobs and their task durations",
          .timeLimit(.minutes(3)))
    func prometheusSeesTheJobs() async throws {
        let jobCount = 6
        try await LiveWorker.with { worker in
            try await PrometheusServer.with(scraping: "127.0.0.1:\(worker.adminPort)") { prometheus in
                try await waitUntil("Prometheus scraping the worker", within: .seconds(30)) {
                    try await prometheus.value(#"up{job="avatar-worker"}"#) == 1
                }
                let loaded = try await prometheus.alertNames()
                #expect(loaded.count == (try DeployFiles.alertExpressions().count), "alert rules loaded: \(loaded)")

                let jobs = (0..<jobCount).map { (key: Optional("prom-\($0)"), value: Optional(sampleJob("prom-\($0)"))) }
                try await produceJobs(jobs, to: worker.topics.jobs, broker: worker.broker)
                try await waitUntil("Prometheus counting \(jobCount) consumed jobs", within: .seconds(60)) {
                    try await prometheus.value("sum(avatar_worker_jobs_consumed_total)") == Double(jobCount)
                }
                _ = try await waitForRecords(jobCount, topic: worker.topics.results, broker: worker.broker)
                // Results are counted once acknowledged, after their tasks ended; once Prometheus has scraped all of
                // them, it has scraped every task's end as well.
                try await waitUntil("Prometheus counting \(jobCount) results", within: .seconds(60)) {
                    try await prometheus.value("sum(avatar_worker_results_published_total)") == Double(jobCount)
                }
                let durations = try await prometheus.value("sum(avatar_worker_task_duration_seconds_count)")
                #expect(durations == Double(jobCount))
                let byMode = try await prometheus.query(#"sum by (mode) (avatar_worker_task_duration_seconds_bucket{le="+Inf"})"#)
                #expect(Set(byMode.compactMap { $0.labels["mode"] }) == ["std", "pro"], "both modes' series exist from the start")
            }
        }
    }
}

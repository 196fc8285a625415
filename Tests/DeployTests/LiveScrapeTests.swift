import AvatarWorker
import Foundation
import TestSupport
import WorkerTestSupport
import Testing

/// The dashboard and the alert rules query only metrics a running worker really exports.
@Suite("Live scrape")
struct LiveScrapeTests {
    @Test("Every metric named in the alert rules and the dashboard exists in a live worker's scrape",
          .timeLimit(.minutes(2)))
    func namedMetricsExist() async throws {
        let alerts = try DeployFiles.alertExpressions()
        let panels = try DeployFiles.dashboardExpressions()
        var named: [String: Set<String>] = [:]  // metric → where it is named
        for (alert, expression) in alerts {
            let metrics = DeployFiles.metricNames(inExpression: expression)
            #expect(!metrics.isEmpty, "alert \(alert) names no metric: \(expression)")
            for metric in metrics { named[metric, default: []].insert("alert \(alert)") }
        }
        for (panel, expressions) in panels {
            #expect(!expressions.isEmpty, "panel \(panel) has no query")
            for expression in expressions {
                let metrics = DeployFiles.metricNames(inExpression: expression)
                #expect(!metrics.isEmpty, "panel \(panel) queries no metric: \(expression)")
                for metric in metrics { named[metric, default: []].insert("panel \(panel)") }
            }
        }
        try await LiveWorker.with { worker in
            try await worker.waitUntilReadyAndSampled()
            // `up` is written by Prometheus itself for every target; the Prometheus test sees it there.
            let present = try await worker.scrape().names.union(["up"])
            let missing = named.filter { !present.contains($0.key) }
                .map { "\($0.key) (named by \($0.value.sorted().joined(separator: ", ")))" }.sorted()
            #expect(missing.isEmpty, "not in a live scrape:\n\(missing.joined(separator: "\n"))")
            #expect(named.count > 20, "the rules and the dashboard name only \(named.count) metrics")
        }
    }
}

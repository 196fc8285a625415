import AsyncHTTPClient
import AvatarWorker
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import TestSupport
import WorkerTestSupport

/// An in-process worker on its own embedded broker, simulator and topics, for the checks that need a live admin
/// server (probe paths, a scrape, Prometheus). Its consumer lag is sampled every 200 ms so the per-partition series
/// appear at once.
struct LiveWorker: Sendable {
    let running: RunningWorker
    let broker: EmbeddedBroker
    let simulator: CometAPISimulator
    let topics: WorkerTopics

    /// The admin server's port.
    var adminPort: Int { running.ready.httpPort }

    /// Runs `body` with a started worker and stops everything afterwards, also when `body` throws.
    static func with<T: Sendable>(
        simulator configuration: SimulatorConfiguration = SimulatorConfiguration(taskSeconds: 0.5...1.5),
        _ body: (LiveWorker) async throws -> T
    ) async throws -> T {
        try await withEmbeddedBroker { broker in
            try await withSimulator(configuration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var worker = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                worker.consumerLagInterval = .milliseconds(200)
                return try await withWorker(worker) { running in
                    try await body(LiveWorker(running: running, broker: broker, simulator: simulator, topics: topics))
                }
            }
        }
    }

    /// `GET path` on the admin server: status code and body.
    func get(_ path: String) async throws -> (status: UInt, body: String) {
        try await LoopbackHTTP.get(port: adminPort, path: path)
    }

    /// The current `/metrics` scrape.
    func scrape() async throws -> PrometheusSamples {
        PrometheusSamples(try await get(AdminServer.metricsPath).body)
    }

    /// Waits until the worker holds its partition, its restore finished and its lag was sampled once.
    func waitUntilReadyAndSampled() async throws {
        try await waitUntil("the worker ready with its partition's series", within: .seconds(60)) {
            guard try await get(AdminServer.readinessPath).status == 200 else { return false }
            return try await scrape().names.contains("avatar_worker_consumer_lag")
        }
    }
}

/// Plain HTTP GETs to servers on 127.0.0.1.
enum LoopbackHTTP {
    /// `GET http://127.0.0.1:<port><path>`: status code and body (at most 4 MiB).
    static func get(port: Int, path: String) async throws -> (status: UInt, body: String) {
        let response = try await HTTPClient.shared.execute(
            HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(10))
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 4 << 20)))
    }
}

import Foundation
import Kafka
import KafkaDevelopment
import TestSupport
import WorkerTestSupport

/// A real Prometheus (Debian's `prometheus` package) on 127.0.0.1, with its own storage directory, started from the
/// compose stack's `deploy/prometheus/prometheus.yml` with only the target and the intervals changed, and stopped by
/// its pid.
final class PrometheusServer: Sendable {
    /// Its HTTP port.
    let port: Int
    private let process: ChildProcess
    private let directory: URL

    private init(port: Int, process: ChildProcess, directory: URL) {
        self.port = port
        self.process = process
        self.directory = directory
    }

    /// Runs `body` with a Prometheus scraping `target` (`host:port`) every second, and always stops it.
    static func with<T: Sendable>(scraping target: String, _ body: (PrometheusServer) async throws -> T) async throws -> T {
        try await withResource(try await start(configuration: try configuration(scraping: target)), stoppedBy: { await $0.stop() }, body)
    }

    /// `deploy/prometheus/prometheus.yml` with the worker job's service discovery replaced by `target`, the
    /// intervals at one second (a test cannot wait 15), and the rule file given by its absolute path.
    static func configuration(scraping target: String) throws -> Data {
        var shipped = try DeployFiles.yaml("prometheus/prometheus.yml").raw as? [String: Any] ?? [:]
        shipped["global"] = ["scrape_interval": "1s", "evaluation_interval": "1s"]
        shipped["rule_files"] = [DeployFiles.path("prometheus/alerts.yaml")]
        let jobs = shipped["scrape_configs"] as? [[String: Any]] ?? []
        guard jobs.contains(where: { $0["job_name"] as? String == "avatar-worker" }) else {
            throw PrometheusError(what: "deploy/prometheus/prometheus.yml has no avatar-worker job")
        }
        shipped["scrape_configs"] = jobs.map { job -> [String: Any] in
            guard job["job_name"] as? String == "avatar-worker" else { return job }
            var swapped = job.filter { !$0.key.hasSuffix("_sd_configs") && $0.key != "static_configs" }
            swapped["static_configs"] = [["targets": [target]]]
            return swapped
        }
        // JSON is YAML: Prometheus reads it as its configuration file.
        return try JSONSerialization.data(withJSONObject: shipped, options: [.sortedKeys, .withoutEscapingSlashes])
    }

    /// Starts Prometheus and waits until it answers `/-/ready`; a port lost to another process is retried.
    static func start(configuration: Data) async throws -> PrometheusServer {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("data"), withIntermediateDirectories: true)
        let configPath = directory.appendingPathComponent("prometheus.json").path
        try configuration.write(to: URL(fileURLWithPath: configPath))
        var lastFailure = ""
        for _ in 0..<3 {
            let port = try LoopbackPort.pick()
            let process = try await ChildProcess.start(
                executable: "/usr/bin/prometheus",
                arguments: [
                    "--config.file=\(configPath)", "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                    "--web.listen-address=127.0.0.1:\(port)", "--log.level=warn",
                ],
                outputPath: directory.appendingPathComponent("stdout.log").path,
                errorPath: directory.appendingPathComponent("stderr.log").path)
            let server = PrometheusServer(port: port, process: process, directory: directory)
            do {
                try await waitUntil("Prometheus ready on 127.0.0.1:\(port)", within: .seconds(30)) {
                    if process.exit != nil { throw PrometheusError(what: "Prometheus ended: \(process.errorTail())") }
                    return (try? await LoopbackHTTP.get(port: port, path: "/-/ready").status) == 200
                }
                return server
            } catch {
                lastFailure = "\(error)"
                await process.stop(grace: .seconds(5))
            }
        }
        try? FileManager.default.removeItem(at: directory)
        throw PrometheusError(what: "Prometheus did not start: \(lastFailure)")
    }

    /// The samples an instant query returns: labels and value of each series.
    func query(_ promql: String) async throws -> [(labels: [String: String], value: Double)] {
        let encoded = promql.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? promql
        let body = try await LoopbackHTTP.get(port: port, path: "/api/v1/query?query=\(encoded)").body
        let answer = try YAMLValue(parsing: body)
        guard answer["status"].string == "success" else { throw PrometheusError(what: "query \(promql): \(body)") }
        return answer["data"]["result"].array.map { series in
            (series["metric"].dictionary.compactMapValues(\.string), Double(series["value"][1].string ?? "") ?? .nan)
        }
    }

    /// The value of a query that returns one series (an aggregation), nil when it returns none.
    func value(_ promql: String) async throws -> Double? {
        try await query(promql).first?.value
    }

    /// The names of the alerting rules Prometheus loaded.
    func alertNames() async throws -> Set<String> {
        let body = try await LoopbackHTTP.get(port: port, path: "/api/v1/rules?type=alert").body
        let groups = try YAMLValue(parsing: body)["data"]["groups"].array
        return Set(groups.flatMap { $0["rules"].array.compactMap { $0["name"].string } })
    }

    /// Stops Prometheus by its pid (SIGTERM, then SIGKILL) and removes its storage.
    func stop() async {
        await process.stop(grace: .seconds(10))
        try? FileManager.default.removeItem(at: directory)
    }
}

/// Prometheus did not start or did not answer as expected.
struct PrometheusError: Error, CustomStringConvertible {
    let what: String
    var description: String { what }
}

import AsyncHTTPClient
import CometAPISimulator
import Foundation
import KafkaDevelopment
import NIOCore
import NIOHTTP1

/// The CometAPI simulator as its own process (`avatar-worker simulate`), so the workers talk to it over real sockets
/// that a storm can reset, and the chaos runner drives it only through its control routes: `POST /_sim/faults` for
/// storms, `DELETE /_sim/faults` when the schedule ends, `GET /_sim/stats` for the checker.
public struct SimulatorProcess: Sendable {
    /// How the simulator is started.
    public struct Settings: Sendable {
        /// Task lifetimes in seconds (`--task-seconds`).
        public var taskSeconds = "1-3"
        /// Whether it answers queries by `external_task_id` (what reconciliation needs).
        public var queryByExternalID = true
        /// Delay of a slow answer and spread of a slow body, in seconds; below the workers' request timeout.
        public var slowSeconds = 2.0
        /// How long a lost answer holds the connection, in seconds; above the workers' request timeout.
        public var noAnswerSeconds = 8.0

        /// The chaos runner's settings; a benchmark sets `taskSeconds`.
        public init(taskSeconds: String = "1-3", queryByExternalID: Bool = true) {
            self.taskSeconds = taskSeconds
            self.queryByExternalID = queryByExternalID
        }
    }

    /// The child process.
    public let process: ChildProcess
    /// `http://127.0.0.1:port`.
    public let baseURL: String

    /// Starts `executable simulate` on a free port and waits for its `listening on` line.
    public static func start(executable: String, settings: Settings, directory: URL) async throws -> SimulatorProcess {
        var arguments = [
            "simulate", "--port", "0", "--task-seconds", settings.taskSeconds, "--slow-seconds", "\(settings.slowSeconds)",
            "--no-answer-seconds", "\(settings.noAnswerSeconds)", "--log-level", "warning",
        ]
        if settings.queryByExternalID { arguments.append("--query-by-external-id") }
        let (process, baseURL) = try await ChildProcess.start(
            executable: executable, arguments: arguments, name: "simulator", directory: directory,
            awaiting: "listening on ", what: "its listening line")
        return SimulatorProcess(process: process, baseURL: baseURL)
    }

    /// Queues `count` injections of `fault` on `route`.
    func storm(_ fault: SimulatedFault, route: FaultRoute, count: Int) async throws {
        let orders = SimulatorControlRoutes.FaultOrders(faults: [.init(fault: fault, route: route, count: count)])
        _ = try await call(.POST, "/_sim/faults", body: try JSONEncoder().encode(orders))
    }

    /// Drops every queued fault (the schedule is over: faults stop).
    func clearFaults() async throws {
        _ = try await call(.DELETE, "/_sim/faults", body: nil)
    }

    /// The counters now; `brief` leaves out the per-external-id map and the count by status (cheap at 100,000 tasks).
    public func stats(brief: Bool = false) async throws -> SimulatorStats {
        let path = brief ? "/_sim/stats?brief=true" : "/_sim/stats"
        return try JSONDecoder().decode(SimulatorStats.self, from: Data(try await call(.GET, path, body: nil)))
    }

    /// Starts a new query mark: `tasks_queried_since_mark` counts distinct tasks queried from now on.
    public func markQueries() async throws {
        _ = try await call(.POST, "/_sim/query-mark", body: nil)
    }

    /// Stops it (SIGTERM, SIGKILL after a grace).
    public func stop() async {
        await process.stop(grace: .seconds(5))
    }

    private func call(_ method: HTTPMethod, _ path: String, body: Data?) async throws -> [UInt8] {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = method
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = Array(buffer: try await response.body.collect(upTo: 64 << 20))
        guard response.status == .ok else { throw ChaosRunError.simulatorRefused(path: path, status: Int(response.status.code)) }
        return bytes
    }
}

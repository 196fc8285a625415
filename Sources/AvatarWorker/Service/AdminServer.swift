import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP admin server: health, readiness, Prometheus metrics, status, and the Kling callback endpoint.
///
/// `GET /healthz` answers 200 while the process runs; `GET /readyz` 200 once the worker holds an assignment and
/// every restore finished (503 before and while draining, and with the reason while the group has stopped assigning
/// this worker partitions although jobs wait: see ``GroupStallWatch``); `GET /metrics` the Prometheus text, with the per-partition
/// gauges refreshed from the pipeline's status first; `GET /status` JSON (`WorkerStatus`); `POST /callbacks/kling`
/// takes a Kling callback (body capped at 64 KiB), makes its task due for an immediate poll and answers 200 at once
/// (the poll, not the callback, decides the task's fate).
public enum AdminServer {
    /// Largest callback body read.
    static let maximumCallbackBytes = 64 * 1024

    /// The liveness probe's path: 200 while the process serves HTTP.
    public static let livenessPath = "/healthz"
    /// The readiness probe's path: 200 only with an assignment and no restore running.
    public static let readinessPath = "/readyz"
    /// The Prometheus scrape path.
    public static let metricsPath = "/metrics"
    /// The status path (JSON).
    public static let statusPath = "/status"
    /// The Kling callback path.
    public static let callbackPath = "/callbacks/kling"

    /// The server as a `Service`; `onListening` gets the bound port.
    static func make(
        host: String, port: Int, pipeline: PipelineDriver<WallClock>, metrics: WorkerMetrics, fleetCap: Int,
        readinessProblem: @escaping @Sendable () -> String? = { nil }, logger: Logger,
        onListening: @escaping @Sendable (Int) async -> Void
    ) -> some Service {
        let router = Router()
        router.get(RouterPath(livenessPath)) { _, _ in "ok\n" }
        router.get(RouterPath(readinessPath)) { _, _ -> Response in
            if let problem = readinessProblem() { return text("not ready: \(problem)\n", status: .serviceUnavailable) }
            let ready = pipeline.isReady
            return text(ready ? "ready\n" : "not ready\n", status: ready ? .ok : .serviceUnavailable)
        }
        router.get(RouterPath(metricsPath)) { _, _ -> Response in
            metrics.record(pipeline.status(), fleetCap: fleetCap)
            metrics.tasksNearDeadline(count: pipeline.tasksNearDeadline())
            return text(metrics.render(), status: .ok, contentType: "text/plain; version=0.0.4")
        }
        router.get(RouterPath(statusPath)) { _, _ -> Response in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = (try? encoder.encode(pipeline.status())) ?? Data("{}".utf8)
            return text(String(decoding: body, as: UTF8.self), status: .ok, contentType: "application/json")
        }
        router.post(RouterPath(callbackPath)) { request, _ -> Response in
            guard let body = try? await request.body.collect(upTo: maximumCallbackBytes) else {
                return text("callback body too large or unreadable\n", status: .contentTooLarge)
            }
            guard let taskID = callbackTaskID(Array(buffer: body)) else {
                return text("no task_id in callback\n", status: .badRequest)
            }
            let known = pipeline.callbackArrived(taskID: taskID)
            metrics.callbackHint(used: known)
            return text(known ? "ok\n" : "unknown task\n", status: .ok)
        }
        return Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "avatar-worker"),
            onServerRunning: { channel in await onListening(channel.localAddress?.port ?? port) },
            logger: logger)
    }

    /// The task id of a Kling callback: `task_id` at the top level or under `data`.
    static func callbackTaskID(_ body: [UInt8]) -> String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body)) as? [String: Any] else { return nil }
        if let taskID = object["task_id"] as? String { return taskID }
        if let data = object["data"] as? [String: Any], let taskID = data["task_id"] as? String { return taskID }
        return nil
    }

    private static func text(_ body: String, status: HTTPResponse.Status, contentType: String = "text/plain") -> Response {
        Response(
            status: status, headers: [.contentType: contentType],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

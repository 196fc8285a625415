import Foundation
import Hummingbird
import NIOCore

/// The simulator's own routes under `/_sim/` (no key needed; loopback tooling only):
///
/// - `GET /_sim/stats`: ``SimulatorStats`` as JSON (creates per external task id, totals, faults, callbacks);
///   `?brief=true` leaves out the per-external-id map and the count by status (no walk over every task).
/// - `POST /_sim/query-mark`: `tasks_queried_since_mark` starts again from zero.
/// - `POST /_sim/faults` with `{"faults":[{"fault":"reset-after-read","route":"create","count":1}]}`: queue faults
///   for the next matching requests (`route` create|query|tts|any, default any; `count` default 1).
/// - `GET /_sim/faults`: the queue. `DELETE /_sim/faults`: empty it.
/// - `POST /_sim/reset`: forget tasks, counters and queued faults.
/// - `GET /_sim/videos/{task_id}.mp4`: the generated video of a succeeded task.
public enum SimulatorControlRoutes {
    /// One queued-fault order in `POST /_sim/faults`.
    public struct FaultOrder: Codable, Sendable, Equatable {
        /// The fault's name, e.g. `throttle-1303`.
        public var fault: SimulatedFault
        /// Which route it hits; default any.
        public var route: FaultRoute?
        /// How many requests it hits; default 1.
        public var count: Int?

        /// An order.
        public init(fault: SimulatedFault, route: FaultRoute? = nil, count: Int? = nil) {
            self.fault = fault
            self.route = route
            self.count = count
        }
    }

    /// The body of `POST /_sim/faults`.
    public struct FaultOrders: Codable, Sendable, Equatable {
        /// Orders in queue order.
        public var faults: [FaultOrder]

        /// A body.
        public init(faults: [FaultOrder]) {
            self.faults = faults
        }
    }
}

extension CometAPISimulator {
    func addControlRoutes(to router: Router<SimulatorRequestContext>) {
        router.get("/_sim/stats") { request, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let brief = request.uri.queryParameters.get("brief") == "true"
            let body = (try? encoder.encode(self.stats(brief: brief))).map { Array($0) } ?? []
            return SimulatorAnswer(status: 200, body: body).response
        }
        router.post("/_sim/query-mark") { _, _ in
            self.markQueries()
            return SimulatorAnswer.json(200, ["marked": true]).response
        }
        router.post("/_sim/faults") { request, _ in
            let body = Array(buffer: try await request.body.collect(upTo: 1 << 20))
            guard let orders = try? JSONDecoder().decode(SimulatorControlRoutes.FaultOrders.self, from: Data(body)) else {
                let names = SimulatedFault.allCases.map(\.rawValue).joined(separator: ", ")
                return SimulatorAnswer.json(400, ["error": "expected {\"faults\":[{\"fault\":NAME,\"route\":create|query|tts|any,\"count\":N}]}; names: \(names)"]).response
            }
            for order in orders.faults {
                self.enqueueFault(order.fault, route: order.route ?? .any, count: order.count ?? 1)
            }
            return SimulatorAnswer.json(200, ["queued": orders.faults.reduce(0) { $0 + ($1.count ?? 1) }]).response
        }
        router.get("/_sim/faults") { _, _ in
            let queue = self.state.withLock { $0.faults.queue }
            let orders = queue.map { SimulatorControlRoutes.FaultOrder(fault: $0.fault, route: $0.route, count: $0.remaining) }
            return SimulatorAnswer.json(200, SimulatorControlRoutes.FaultOrders(faults: orders)).response
        }
        router.delete("/_sim/faults") { _, _ in
            self.state.withLock { $0.faults.clearQueue() }
            return SimulatorAnswer.json(200, ["queued": 0]).response
        }
        router.post("/_sim/reset") { _, _ in
            self.reset()
            return SimulatorAnswer.json(200, ["reset": true]).response
        }
        router.get("/_sim/videos/{file}") { _, context in
            let file = context.parameters.get("file") ?? ""
            let taskID = file.hasSuffix(".mp4") ? String(file.dropLast(4)) : file
            let now = Date()
            let task = self.state.withLock { $0.account.task(identifiedBy: taskID, allowExternalID: false) }
            guard let task, task.status(at: now) == .succeed else {
                return SimulatorAnswer.html(404, title: "Not Found").response
            }
            return SimulatorAnswer(status: 200, body: WireBodies.videoBytes, contentType: "video/mp4").response
        }
    }
}

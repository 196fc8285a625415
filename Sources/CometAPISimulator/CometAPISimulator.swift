import AsyncHTTPClient
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import NIOCore
import Synchronization

/// A local stand-in for CometAPI's Kling Avatar API, faithful enough for tests, the demo and benchmarks.
///
/// Serves create, query (by task id, and by external task id when switched on), list and TTS with the real API's
/// validation limits and error bodies; runs each task through submitted → processing → succeed | failed; serves the
/// videos itself; posts callbacks; injects faults by rate, by `X-Sim-Fault` header or from a queue; and counts creates
/// per `external_task_id` (the double-billing detector). Control routes live under `/_sim/` (see
/// ``SimulatorControlRoutes``).
///
/// ``start()`` binds and returns the port (0 in the configuration picks a free one); ``stop()`` ends everything.
public final class CometAPISimulator: Sendable {
    /// The configuration in force (faults may also be queued at run time).
    public let configuration: SimulatorConfiguration
    let logger: Logger
    let validator: CreateRequestValidator
    let state: Mutex<State>
    private let runtime = Mutex(Runtime())

    struct State {
        var account = SimulatedAccount()
        var faults: FaultPlan
        var random = SystemRandomNumberGenerator()
        var baseURL = ""
    }

    private struct Runtime {
        var server: Task<Void, any Error>?
        var serviceGroup: ServiceGroup?
        var ticker: Task<Void, Never>?
        var callbackClient: HTTPClient?
        var port: Int?
    }

    /// A simulator that is not yet listening.
    public init(configuration: SimulatorConfiguration = SimulatorConfiguration(), logger: Logger? = nil) {
        self.configuration = configuration
        var logger = logger ?? Logger(label: "cometapi-simulator")
        logger[metadataKey: "component"] = "cometapi-simulator"
        self.logger = logger
        self.validator = CreateRequestValidator(mediaChecks: configuration.mediaChecks)
        self.state = Mutex(State(faults: FaultPlan(rates: configuration.faultRates)))
    }

    /// The port it listens on, once started.
    public var port: Int? { runtime.withLock { $0.port } }

    /// `http://host:port`, once started: the base URL to give the client.
    public var baseURL: URL? {
        port.flatMap { URL(string: "http://\(configuration.host):\($0)") }
    }

    /// Binds, starts serving and returns the bound port.
    ///
    /// - Throws: the bind error when the address is taken, ``SimulatorError/alreadyStarted`` on a second call.
    @discardableResult
    public func start() async throws -> Int {
        guard runtime.withLock({ $0.server == nil }) else { throw SimulatorError.alreadyStarted }
        let (ports, portContinuation) = AsyncStream<Int>.makeStream()
        let application = Application(
            router: makeRouter(),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "cometapi-simulator"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let serviceGroup = ServiceGroup(configuration: .init(services: [application], logger: logger))
        let server = Task {
            defer { portContinuation.finish() }
            try await serviceGroup.run()
        }
        runtime.withLock {
            $0.server = server
            $0.serviceGroup = serviceGroup
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            runtime.withLock { $0.server = nil }
            try await server.value
            throw SimulatorError.notStarted
        }
        let callbackClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
        let sender = CallbackSender(httpClient: callbackClient)
        let base = "http://\(configuration.host):\(port)"
        state.withLock { $0.baseURL = base }
        let ticker = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(100))
                await self?.announceStatusChanges(with: sender)
            }
        }
        runtime.withLock {
            $0.port = port
            $0.ticker = ticker
            $0.callbackClient = callbackClient
        }
        logger.info("CometAPI simulator listening", metadata: ["base_url": "\(base)"])
        return port
    }

    /// Stops serving and sending callbacks. Safe to call more than once.
    public func stop() async {
        let (server, group, ticker, client) = runtime.withLock { runtime in
            defer { runtime = Runtime() }
            return (runtime.server, runtime.serviceGroup, runtime.ticker, runtime.callbackClient)
        }
        ticker?.cancel()
        await group?.triggerGracefulShutdown()
        _ = await ticker?.value
        _ = try? await server?.value
        try? await client?.shutdown()
    }

    /// The counters now (the same as `GET /_sim/stats`).
    ///
    /// - Parameter brief: leave out the per-`external_task_id` map and the count by status, which cost a walk over
    ///   every task (`GET /_sim/stats?brief=true`): what a benchmark that samples often at 100,000 tasks asks for.
    public func stats(brief: Bool = false) -> SimulatorStats {
        let now = Date()
        return state.withLock { $0.account.stats(at: now, brief: brief) }
    }

    /// Starts a new query mark (`POST /_sim/query-mark`): `tasks_queried_since_mark` counts from zero again.
    public func markQueries() {
        state.withLock { $0.account.markQueries() }
    }

    /// Queues `count` injections of `fault` for the next requests on `route`.
    public func enqueueFault(_ fault: SimulatedFault, route: FaultRoute = .any, count: Int = 1) {
        state.withLock { $0.faults.enqueue(fault, route: route, count: count) }
    }

    /// Forgets all tasks, counters and queued faults.
    public func reset() {
        state.withLock {
            $0.account.reset()
            $0.faults.clearQueue()
        }
    }

    private func announceStatusChanges(with sender: CallbackSender) async {
        guard configuration.callbacksEnabled else { return }
        let now = Date()
        let (due, base) = state.withLock { ($0.account.advance(to: now), $0.baseURL) }
        for (task, moment) in due {
            guard let url = task.callbackURL else { continue }
            let body = WireBodies.encode(WireBodies.TaskObject(task, now: moment, videoBaseURL: base))
            let delivered = await sender.post(body, to: url)
            state.withLock { $0.account.count { delivered ? ($0.callbacksDelivered += 1) : ($0.callbacksFailed += 1) } }
        }
    }
}

/// Why the simulator could not start.
public enum SimulatorError: Error, Sendable, CustomStringConvertible {
    /// ``CometAPISimulator/start()`` was called twice.
    case alreadyStarted
    /// The server ended before it was listening.
    case notStarted

    /// One sentence.
    public var description: String {
        switch self {
        case .alreadyStarted: "the simulator is already started"
        case .notStarted: "the simulator's server ended before it was listening"
        }
    }
}

import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Logging

/// Everything the demo starts — the embedded broker, the simulator, the worker process — recorded as it starts and
/// stopped in reverse order by ``shutdown()``, which the demo calls on success, failure and Ctrl-C alike.
actor DemoStack {
    /// A failure the demo reports to the user with what to look at.
    struct Failure: Error, CustomStringConvertible {
        /// A sentence for the user.
        var description: String
    }

    /// Where the child processes' output files go.
    let directory: URL
    private(set) var broker: EmbeddedBroker?
    private(set) var simulator: CometAPISimulator?
    private var children: [ChildProcess] = []

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-demo-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    /// The path of this very executable, which the demo runs again as `topics create` and `run`.
    static func ownExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
    }

    /// Starts the embedded Tansu broker.
    func startBroker() async throws -> EmbeddedBroker {
        var logger = Logger(label: "demo.broker")
        logger.logLevel = .warning
        let broker = try await EmbeddedBroker.start(logger: logger)
        self.broker = broker
        return broker
    }

    /// Starts the CometAPI simulator on a free loopback port with tasks of `taskSeconds`.
    func startSimulator(taskSeconds: ClosedRange<Double>) async throws -> URL {
        var logger = Logger(label: "demo.simulator")
        logger.logLevel = .warning
        let simulator = CometAPISimulator(
            configuration: SimulatorConfiguration(taskSeconds: taskSeconds, allowsQueryByExternalTaskID: true),
            logger: logger)
        self.simulator = simulator
        _ = try await simulator.start()
        guard let url = simulator.baseURL else { throw Failure(description: "the simulator did not report its address") }
        return url
    }

    /// Runs this executable with `arguments` to completion (at most `timeout`).
    func runToCompletion(_ name: String, _ arguments: [String], timeout: Duration = .seconds(60)) async throws {
        let child = try await spawn(name, arguments, environment: nil)
        let exit = await child.waitForExit(timeout: timeout)
        guard exit == .exited(0) else {
            throw Failure(description: "`avatar-worker \(arguments.prefix(2).joined(separator: " "))` "
                + "\(exit.map { "ended with \($0)" } ?? "did not finish within \(timeout)"); its stderr ends with:\n"
                + child.errorTail())
        }
    }

    /// Starts this executable with `arguments` as a long-running child.
    func spawn(_ name: String, _ arguments: [String], environment: [String: String]?) async throws -> ChildProcess {
        let child = try await ChildProcess.start(
            executable: Self.ownExecutable(), arguments: arguments, environment: environment,
            outputPath: directory.appendingPathComponent("\(name).out").path,
            errorPath: directory.appendingPathComponent("\(name).log").path)
        children.append(child)
        return child
    }

    /// Stops every child (SIGTERM, SIGKILL after `grace`), then the simulator, then the broker. Idempotent.
    func shutdown(grace: Duration = .seconds(15)) async {
        for child in children.reversed() { await child.stop(grace: grace) }
        children = []
        await simulator?.stop()
        simulator = nil
        await broker?.stop()
        broker = nil
    }
}

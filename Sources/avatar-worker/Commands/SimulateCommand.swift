import ArgumentParser
import CometAPISimulator
import Foundation
import Logging

/// `avatar-worker simulate`: runs the local CometAPI simulator until interrupted.
struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "simulate",
        abstract: "Run a local CometAPI Kling Avatar simulator (loopback only) until Ctrl-C.",
        discussion: """
            Control routes: GET /_sim/stats, POST|GET|DELETE /_sim/faults, POST /_sim/reset.
            Per-request faults: header X-Sim-Fault: <name>. Fault names: \
            \(SimulatedFault.allCases.map(\.rawValue).joined(separator: ", ")).
            """
    )

    @Option(help: "Address to listen on (loopback unless --allow-non-loopback).")
    var host = "127.0.0.1"

    @Flag(name: .customLong("allow-non-loopback"),
          help: "Accept a non-loopback --host, for a private container network (deploy/compose); never expose it.")
    var allowNonLoopback = false

    @Option(help: "Port to listen on; 0 picks a free one and prints it.")
    var port = 8787

    @Option(name: .customLong("task-seconds"), help: "Task lifetime range in seconds, MIN-MAX (e.g. 2-5).")
    var taskSeconds = "2-5"

    @Option(name: .customLong("failure-rate"), help: "Share of tasks that end failed, 0…1.")
    var failureRate = 0.0

    @Option(name: .customLong("fault-rate"), help: "NAME=RATE: inject fault NAME into that share of API requests (repeatable).")
    var faultRates: [String] = []

    @Option(name: .customLong("api-key-env"), help: "Require the bearer key held in this environment variable (unset: any key).")
    var apiKeyEnvironmentVariable: String?

    @Option(help: "Response shape: plain (Kling object) or wrapped (CometAPI data.status/data.data).")
    var shape = "plain"

    @Flag(name: .customLong("allow-duplicate-external-ids"), help: "Do not enforce external_task_id uniqueness.")
    var allowDuplicateExternalIDs = false

    @Flag(name: .customLong("query-by-external-id"), help: "Accept an external_task_id in the query path.")
    var queryByExternalID = false

    @Option(name: .customLong("slow-seconds"),
            help: "Seconds the slow fault delays an answer, and over which the slow-body fault spreads a body.")
    var slowSeconds = 2.0

    @Option(name: .customLong("no-answer-seconds"),
            help: "Seconds the no-answer fault holds a connection before resetting it (set it past the client's request timeout).")
    var noAnswerSeconds = 120.0

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error.")
    var logLevel = "info"

    func validate() throws {
        guard allowNonLoopback || ["127.0.0.1", "localhost", "::1"].contains(host) else {
            throw ValidationError(
                "--host must be a loopback address, got \(host) (a container network needs --allow-non-loopback)")
        }
        _ = try parsedTaskSeconds()
        _ = try parsedFaultRates()
        for (name, value) in [("--slow-seconds", slowSeconds), ("--no-answer-seconds", noAnswerSeconds)] {
            guard value.isFinite, value >= 0, value <= 3600 else {
                throw ValidationError("\(name) must be within 0…3600 seconds, got \(value)")
            }
        }
        guard (0...1).contains(failureRate) else { throw ValidationError("--failure-rate must be within 0…1, got \(failureRate)") }
        guard SimulatorConfiguration.ResponseShape(rawValue: shape) != nil else {
            throw ValidationError("--shape must be plain or wrapped, got \(shape)")
        }
    }

    func run() async throws {
        var logger = Logger(label: "cometapi-simulator")
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info
        var apiKey: String?
        if let name = apiKeyEnvironmentVariable {
            guard let value = ProcessInfo.processInfo.environment[name], !value.isEmpty else {
                throw ValidationError("environment variable \(name) is not set")
            }
            apiKey = value.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        let simulator = CometAPISimulator(configuration: SimulatorConfiguration(
            host: host, port: port, apiKey: apiKey, taskSeconds: try parsedTaskSeconds(), failureRate: failureRate,
            faultRates: try parsedFaultRates(),
            enforceUniqueExternalTaskID: !allowDuplicateExternalIDs,
            allowsQueryByExternalTaskID: queryByExternalID,
            responseShape: SimulatorConfiguration.ResponseShape(rawValue: shape) ?? .plain,
            slowResponseDelay: .seconds(slowSeconds), noAnswerHold: .seconds(noAnswerSeconds)
        ), logger: logger)
        let bound = try await simulator.start()
        FileHandle.standardOutput.write(Data("listening on http://\(host):\(bound)\n".utf8))
        // Serves until SIGINT or SIGTERM cancels the wait.
        _ = await InterruptSignal.run {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        await simulator.stop()
    }

    private func parsedTaskSeconds() throws -> ClosedRange<Double> {
        let parts = taskSeconds.split(separator: "-", maxSplits: 1).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low >= 0, low <= high else {
            throw ValidationError("--task-seconds must be MIN-MAX with 0 ≤ MIN ≤ MAX, got \(taskSeconds)")
        }
        return low...high
    }

    private func parsedFaultRates() throws -> [SimulatedFault: Double] {
        var rates: [SimulatedFault: Double] = [:]
        for entry in faultRates {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let fault = SimulatedFault(rawValue: parts[0]), let rate = Double(parts[1]), (0...1).contains(rate) else {
                throw ValidationError("--fault-rate must be NAME=RATE with RATE in 0…1 and NAME one of \(SimulatedFault.allCases.map(\.rawValue).joined(separator: ", ")); got \(entry)")
            }
            rates[fault] = rate
        }
        return rates
    }
}

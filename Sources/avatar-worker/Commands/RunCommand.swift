import ArgumentParser
import AvatarWorker
import Foundation
import Logging

/// `avatar-worker run`: the worker process (see the process contract in `docs/`).
///
/// Worker options come from `WorkerConfiguration.options`, so the flags, environment variables, config-file keys and
/// this command's `--help` never drift apart. They are parsed here by hand (ArgumentParser needs options known at
/// compile time) and layered by `WorkerConfiguration.load`.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Consume jobs, submit them to CometAPI, poll them and publish one result event per job.",
        discussion: optionTable)

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "Log lines on stderr as text or json (one JSON object per line).")
    var logFormat = LogFormat.text.name

    @Option(name: .customLong("kafka"), help: "A librdkafka property NAME=VALUE, passed through (repeatable).")
    var kafkaProperties: [String] = []

    @Option(name: .customLong("config-file"), help: "JSON file of worker options (env AVATAR_WORKER_CONFIG_FILE).")
    var configFile: String?

    @Argument(parsing: .allUnrecognized, help: .hidden)
    var workerOptions: [String] = []

    func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("--log-level: unknown level \(logLevel)") }
        guard LogFormat(named: logFormat) != nil else {
            throw ValidationError("--log-format must be \(LogFormat.all.map(\.name).joined(separator: " or ")), got \(logFormat)")
        }
        _ = try flags()
    }

    func run() async throws {
        let configuration = try WorkerConfiguration.load(flags: try flags())
        let failpoints = try Failpoints(environment: ProcessInfo.processInfo.environment)
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let format = LogFormat(named: logFormat) ?? .text
        LoggingSystem.bootstrap { label in format.makeHandler(label: label, level: level) }
        var logger = Logger(label: "avatar-worker")
        logger[metadataKey: JobLogContext.workerIDKey] = "\(configuration.workerID)"
        let worker = AvatarWorkerService(configuration: configuration, failpoints: failpoints, logger: logger)
        try await worker.run { ready in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            if let line = try? encoder.encode(ready) {
                FileHandle.standardOutput.write(line + Data("\n".utf8))
            }
        }
    }

    /// The worker options given on the command line, as option name → value.
    func flags() throws -> [String: String] {
        var flags: [String: String] = [:]
        if let configFile { flags[WorkerConfiguration.configFileOption] = configFile }
        flags.merge(try ClientConnectionOptions.kafkaFlags(kafkaProperties)) { _, new in new }
        var index = 0
        while index < workerOptions.count {
            let token = workerOptions[index]
            index += 1
            guard token.hasPrefix("--") else { throw ValidationError("unexpected argument \(token)") }
            var name = String(token.dropFirst(2))
            var value: String?
            if let equals = name.firstIndex(of: "=") {
                value = String(name[name.index(after: equals)...])
                name = String(name[..<equals])
            }
            guard let option = WorkerConfiguration.options.first(where: { $0.name == name }) else {
                throw ValidationError("unknown option --\(name); see `avatar-worker run --help`")
            }
            if value == nil {
                let isSwitch = option.defaultValue == "false"
                if index < workerOptions.count, !workerOptions[index].hasPrefix("--") {
                    value = workerOptions[index]
                    index += 1
                } else if isSwitch {
                    value = "true"
                } else {
                    throw ValidationError("--\(name) needs a value")
                }
            }
            flags[name] = value
        }
        return flags
    }

    /// Every worker option with its default and environment variable, for `--help`.
    static var optionTable: String {
        var lines = ["Worker options (flag, environment variable, default):", ""]
        for option in WorkerConfiguration.options {
            lines.append("  --\(option.name) <value>")
            lines.append("        \(option.summary)")
            lines.append("        env \(option.environmentVariable), default: \(option.defaultValue)")
        }
        lines += [
            "", "Booleans (--exactly-once, --query-by-external-task-id, --progress-events) need no value.",
            "API key: COMETAPI_KEY or --api-key-file. librdkafka properties: --kafka NAME=VALUE or",
            "AVATAR_WORKER_KAFKA_<NAME> (dots as underscores).",
            "Crash-test failpoints (development only): \(Failpoints.environmentVariable)=<name>[:<n>].",
            "On start one line goes to stdout: {\"event\":\"ready\",\"http_port\":P,\"worker_id\":\"…\",\"pid\":N}.",
        ]
        return lines.joined(separator: "\n")
    }
}

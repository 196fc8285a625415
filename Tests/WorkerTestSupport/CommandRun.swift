import Foundation
import Kafka
import KafkaDevelopment
import TestSupport

/// One run of the built `avatar-worker` binary as a user runs it — arguments, environment, exit status, stdout and
/// stderr — for tests of the command line. The child is started through ``ChildProcess`` (stdin is /dev/null) and
/// stopped by its pid if it outlives its time.
public struct CommandRun: Sendable {
    /// The arguments given.
    public let arguments: [String]
    /// How it ended.
    public let exit: ChildProcess.Exit
    /// Everything written to stdout.
    public let stdout: String
    /// Everything written to stderr.
    public let stderr: String

    /// The exit status (128 + signal when a signal ended it).
    public var status: Int32 {
        switch exit {
        case .exited(let code): code
        case .signalled(let signal): 128 + signal
        }
    }

    /// The non-empty lines of stdout.
    public var lines: [String] { stdout.split(separator: "\n").map(String.init) }

    /// Each stdout line that is a JSON object, decoded.
    public func objects() -> [[String: Any]] {
        lines.compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
    }

    /// Everything, for failure messages.
    public var transcript: String {
        "`avatar-worker \(arguments.joined(separator: " "))` ended with \(exit)\n--- stdout\n\(stdout)\n--- stderr\n\(stderr)"
    }

    /// Runs `avatar-worker` with `arguments` to its end (at most `timeout`, then it is killed and this throws).
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(120)
    ) async throws -> CommandRun {
        let child = try await start(try WorkerProcess.binaryPath(), arguments, environment: environment)
        return try await finish(child, arguments: arguments, timeout: timeout)
    }

    /// Runs `avatar-worker` with `arguments` in a pseudo-terminal of `columns`×`rows` (util-linux `script`), so the
    /// command sees a terminal on stdout; stdout is what the terminal received, control sequences included.
    public static func runInTerminal(
        _ arguments: [String], columns: Int = 80, rows: Int = 24, environment: [String: String] = [:],
        timeout: Duration = .seconds(120)
    ) async throws -> CommandRun {
        let binary = try WorkerProcess.binaryPath()
        let command = "stty cols \(columns) rows \(rows); exec " + ([binary] + arguments).map(shellQuoted).joined(separator: " ")
        let child = try await start("/usr/bin/script", ["-qfec", command, "/dev/null"], environment: environment)
        return try await finish(child, arguments: arguments, timeout: timeout)
    }

    /// Starts `avatar-worker` with `arguments` and leaves it running (to signal it); stop it by its pid.
    public static func launch(_ arguments: [String], environment: [String: String] = [:]) async throws -> ChildProcess {
        try await start(try WorkerProcess.binaryPath(), arguments, environment: environment)
    }

    /// Waits for a launched run to end and collects it.
    public static func finish(_ child: ChildProcess, arguments: [String], timeout: Duration = .seconds(120)) async throws -> CommandRun {
        guard let exit = await child.waitForExit(timeout: timeout) else {
            await child.stop(grace: .seconds(2))
            throw TestTimeout(what: "`avatar-worker \(arguments.joined(separator: " "))` to end", limit: timeout)
        }
        let read = { (path: String) in (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }
        return CommandRun(arguments: arguments, exit: exit, stdout: read(child.outputPath), stderr: read(child.errorPath))
    }

    /// The test runner's environment without any `AVATAR_WORKER_*` variable (every command reads them as
    /// options and refuses unknown ones), plus `extra`.
    private static func start(_ executable: String, _ arguments: [String], environment extra: [String: String]) async throws -> ChildProcess {
        var variables = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AVATAR_WORKER_") }
        variables.merge(extra) { _, new in new }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-cli-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let name = UniqueName.make("run")
        return try await ChildProcess.start(
            executable: executable, arguments: arguments, environment: variables,
            outputPath: directory.appendingPathComponent("\(name).out").path,
            errorPath: directory.appendingPathComponent("\(name).err").path)
    }

    private static func shellQuoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}

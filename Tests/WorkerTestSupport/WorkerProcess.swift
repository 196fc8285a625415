import AvatarWorker
import Foundation
import KafkaDevelopment
import TestSupport

/// One `avatar-worker run` process under test: the built binary started as a child, its `ready` line read, and
/// ended only through its pid (SIGTERM for a graceful drain, SIGKILL for a crash). A process still running when the
/// last reference goes away is killed, so a failing test never leaves a worker behind.
public final class WorkerProcess: Sendable {
    /// The environment variable naming the binary explicitly (a development variable: the worker never reads it).
    public static let binaryEnvironmentVariable = "AVATAR_DEV_BINARY"

    /// The child process.
    public let process: ChildProcess
    /// What its ready line said (the process contract's `ready` line).
    public let ready: AvatarWorkerService.Ready

    private init(process: ChildProcess, ready: AvatarWorkerService.Ready) {
        self.process = process
        self.ready = ready
    }

    /// The `avatar-worker` binary: `$AVATAR_DEV_BINARY`, else the one next to the running test bundle, else
    /// `.build/debug` of this checkout.
    /// - Throws: ``WorkerProcessError/binaryNotFound(searched:)`` listing where it looked.
    public static func binaryPath() throws -> String {
        var candidates: [String] = []
        if let explicit = ProcessInfo.processInfo.environment[binaryEnvironmentVariable], !explicit.isEmpty {
            candidates.append(explicit)
        }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {  // the test binary sits in <bin>/X.xctest (or deeper inside a bundle)
            candidates.append(directory.appendingPathComponent("avatar-worker").path)
            directory.deleteLastPathComponent()
        }
        candidates.append(PackageRoot.url.appendingPathComponent(".build/debug/avatar-worker").path)
        guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw WorkerProcessError.binaryNotFound(searched: candidates)
        }
        return found
    }

    /// Runs `avatar-worker` with `arguments` to completion (a one-shot command such as `topics create`).
    /// - Throws: ``WorkerProcessError/commandFailed(arguments:exit:stderr:)`` unless it exits 0 within `timeout`.
    public static func runCommand(_ arguments: [String], timeout: Duration = .seconds(60)) async throws {
        let directory = try outputDirectory()
        let name = UniqueName.make("command")
        let child = try await ChildProcess.start(
            executable: try binaryPath(), arguments: arguments,
            outputPath: directory.appendingPathComponent("\(name).out").path,
            errorPath: directory.appendingPathComponent("\(name).err").path)
        let exit = await child.waitForExit(timeout: timeout)
        guard exit == .exited(0) else {
            await child.stop(grace: .seconds(1))
            throw WorkerProcessError.commandFailed(arguments: arguments, exit: exit, stderr: child.errorTail())
        }
    }

    /// Starts `avatar-worker run` with `arguments`, `COMETAPI_KEY` set to a test key, optionally a failpoint
    /// (`AVATAR_DEV_FAILPOINT`), no other inherited `AVATAR_WORKER_*` or `AVATAR_DEV_*` variable, and waits for its
    /// ready line.
    /// - Throws: ``ChildProcess/Failure`` when it ends or stays silent past `readyTimeout` (with its stderr).
    public static func start(
        _ arguments: [String], failpoint: String? = nil, environment: [String: String] = [:],
        readyTimeout: Duration = .seconds(60)
    ) async throws -> WorkerProcess {
        // The worker reads every AVATAR_WORKER_* variable as an option and refuses unknown ones, and a failpoint left
        // in the test runner's environment would crash it: only what the test passes reaches the worker under test.
        var variables = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("AVATAR_WORKER_") && !$0.key.hasPrefix("AVATAR_DEV_")
        }
        variables["COMETAPI_KEY"] = "test-key-0123456789"
        variables[Failpoints.environmentVariable] = failpoint
        variables.merge(environment) { _, new in new }
        let directory = try outputDirectory()
        let name = UniqueName.make("worker")
        let child = try await ChildProcess.start(
            executable: try binaryPath(), arguments: ["run"] + arguments, environment: variables,
            outputPath: directory.appendingPathComponent("\(name).out").path,
            errorPath: directory.appendingPathComponent("\(name).err").path)
        do {
            let line = try await child.waitForOutputLine(within: readyTimeout, what: "its ready line") {
                $0.contains(#""event":"ready""#)
            }
            let ready = try JSONDecoder().decode(AvatarWorkerService.Ready.self, from: Data(line.utf8))
            return WorkerProcess(process: child, ready: ready)
        } catch {
            await child.stop(grace: .seconds(1))
            throw error
        }
    }

    /// Kills the worker with SIGKILL (a crash) and reaps it.
    @discardableResult
    public func kill() async -> ChildProcess.Exit {
        process.signal(SIGKILL)
        return await process.waitForExit(timeout: .seconds(30)) ?? .signalled(SIGKILL)
    }

    /// Sends SIGTERM and waits up to `timeout` for the process to end; nil when it did not (it is then killed, so
    /// nothing is left running, and the caller reports the missed deadline).
    public func terminate(within timeout: Duration) async -> ChildProcess.Exit? {
        process.signal(SIGTERM)
        if let exit = await process.waitForExit(timeout: timeout) { return exit }
        await kill()
        return nil
    }

    /// Waits up to `timeout` for the worker to end on its own (a failpoint); nil while it still runs.
    public func waitForExit(timeout: Duration) async -> ChildProcess.Exit? {
        await process.waitForExit(timeout: timeout)
    }

    /// The last lines of the worker's log (stderr), for failure messages.
    public func logTail(lines: Int = 40) -> String { process.errorTail(lines: lines) }

    private static func outputDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-e2e-\(getpid())")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }
}

/// Why a worker binary could not be run.
public enum WorkerProcessError: Error, CustomStringConvertible {
    /// No built `avatar-worker` in any place looked at.
    case binaryNotFound(searched: [String])
    /// A one-shot command did not exit 0 in time.
    case commandFailed(arguments: [String], exit: ChildProcess.Exit?, stderr: String)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .binaryNotFound(let searched):
            "avatar-worker binary not found (looked at \(searched.joined(separator: ", "))); run `swift build` or set "
                + "\(WorkerProcess.binaryEnvironmentVariable)"
        case .commandFailed(let arguments, let exit, let stderr):
            "`avatar-worker \(arguments.joined(separator: " "))` \(exit.map { "ended with \($0)" } ?? "timed out"); "
                + "stderr:\n\(stderr)"
        }
    }
}

import Foundation
import Synchronization

/// A helper process for development, tests and the demo (a worker, a command-line tool), started the way the
/// embedded broker is: through `setpriv --pdeathsig KILL` from the launcher's permanent thread, so it dies with this
/// process even when this process crashes or is killed, and it never outlives a failed test run.
///
/// Its stdout and stderr go to files (read them with ``outputLines()`` and ``errorTail(lines:)``), so a chatty child
/// can never block on a full pipe. Everything that ends it goes through its pid: ``signal(_:)``, ``stop(grace:)``;
/// ``waitForExit(timeout:)`` reaps it. Dropping the last reference to a process that still runs kills it (SIGKILL).
public final class ChildProcess: Sendable {
    /// How a child ended.
    public enum Exit: Hashable, Sendable, CustomStringConvertible {
        /// It called `exit` with this code.
        case exited(Int32)
        /// A signal ended it (e.g. 9 for SIGKILL).
        case signalled(Int32)

        /// "exit code 0", "signal 9".
        public var description: String {
            switch self {
            case .exited(let code): "exit code \(code)"
            case .signalled(let signal): "signal \(signal)"
            }
        }

        init(waitStatus status: Int32) {
            let signal = status & 0x7f
            self = signal == 0 ? .exited((status >> 8) & 0xff) : .signalled(signal)
        }
    }

    /// Why waiting for a child's output failed; carries the end of its stderr, which usually says why.
    public struct Failure: Error, Hashable, Sendable, CustomStringConvertible {
        /// What was waited for or attempted.
        public var what: String
        /// How the child ended, when it did.
        public var exit: Exit?
        /// The last lines of its stderr.
        public var errorTail: String

        /// A sentence naming the child, what went wrong and its last words.
        public var description: String {
            "\(what)\(exit.map { " (the process ended with \($0))" } ?? ""); its stderr ends with:\n\(errorTail)"
        }
    }

    /// The child's process id (that of `setpriv`, which became the child by `exec`).
    public let pid: Int32
    /// The executable started.
    public let executable: String
    /// The file receiving its stdout.
    public let outputPath: String
    /// The file receiving its stderr.
    public let errorPath: String
    private let ended = Mutex<Exit?>(nil)

    private init(pid: Int32, executable: String, outputPath: String, errorPath: String) {
        self.pid = pid
        self.executable = executable
        self.outputPath = outputPath
        self.errorPath = errorPath
    }

    /// Starts `executable` with `arguments` and `environment` (nil: this process's), stdout and stderr into
    /// `outputPath` and `errorPath` (created or truncated).
    /// - Throws: ``Failure`` when the operating system refuses to start it.
    public static func start(
        executable: String, arguments: [String], environment: [String: String]? = nil,
        outputPath: String, errorPath: String
    ) async throws(Failure) -> ChildProcess {
        let request: ChildProcessLauncher.Request
        if let setpriv = EmbeddedBroker.searchPath(for: "setpriv") {
            request = .init(
                executable: setpriv, arguments: ["--pdeathsig", "KILL", "--", executable] + arguments,
                outputPath: outputPath, errorPath: errorPath, environment: environment)
        } else {
            request = .init(
                executable: executable, arguments: arguments, outputPath: outputPath, errorPath: errorPath,
                environment: environment)
        }
        do {
            let pid = try await ChildProcessLauncher.shared.launch(request)
            return ChildProcess(pid: pid, executable: executable, outputPath: outputPath, errorPath: errorPath)
        } catch {
            throw Failure(what: "could not start \(executable): \(error)", exit: nil, errorTail: "")
        }
    }

    deinit {
        if ended.withLock({ $0 }) == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// How the child ended, once it has (reaping it if needed); nil while it runs.
    public var exit: Exit? {
        ended.withLock { ended in
            if let ended { return ended }
            var status: Int32 = 0
            guard waitpid(pid, &status, WNOHANG) == pid else { return nil }
            ended = Exit(waitStatus: status)
            return ended
        }
    }

    /// Sends `number` to the child; false when it has already ended (so a reused pid is never signalled).
    @discardableResult
    public func signal(_ number: Int32) -> Bool {
        ended.withLock { ended in ended == nil && kill(pid, number) == 0 }
    }

    /// Waits up to `timeout` for the child to end; nil when it still runs then.
    public func waitForExit(timeout: Duration) async -> Exit? {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let exit { return exit }
            guard ContinuousClock.now < deadline else { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Ends the child: SIGTERM, then SIGKILL if it still runs after `grace`; returns how it ended. Idempotent.
    @discardableResult
    public func stop(grace: Duration) async -> Exit {
        if let exit { return exit }
        signal(SIGTERM)
        signal(SIGCONT)  // a stopped child handles SIGTERM only once it runs again
        if let exit = await waitForExit(timeout: grace) { return exit }
        signal(SIGKILL)
        return await waitForExit(timeout: .seconds(30)) ?? .signalled(SIGKILL)
    }

    /// The complete lines the child has written to stdout so far.
    public func outputLines() -> [String] {
        guard let text = try? String(contentsOfFile: outputPath, encoding: .utf8) else { return [] }
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        lines.removeLast()  // the text after the last newline is not a complete line yet
        return lines
    }

    /// The last `lines` lines of its stderr, for error messages.
    public func errorTail(lines: Int = 30) -> String {
        guard let text = try? String(contentsOfFile: errorPath, encoding: .utf8) else { return "(no stderr)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    /// Waits for the first stdout line that `matches`, up to `timeout`.
    /// - Throws: ``Failure`` when the child ends first or the time passes.
    public func waitForOutputLine(
        within timeout: Duration, what: String, where matches: (String) -> Bool
    ) async throws(Failure) -> String {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while true {
            if let line = outputLines().first(where: matches) { return line }
            if let exit {
                if let line = outputLines().first(where: matches) { return line }
                throw Failure(what: "\(executable) ended before printing \(what)", exit: exit, errorTail: errorTail())
            }
            guard ContinuousClock.now < deadline else {
                throw Failure(what: "\(executable) printed no \(what) within \(timeout)", exit: nil, errorTail: errorTail())
            }
            try? await Task.sleep(for: .milliseconds(25))
        }
    }
}

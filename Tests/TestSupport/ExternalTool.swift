import Foundation

/// Runs a command-line tool (ffmpeg, sox, convert, ffprobe, python3) for tests, through temporary files rather than
/// pipes so that large inputs and outputs cannot deadlock, and reports failures with the tool's stderr.
public enum ExternalTool {
    /// What a finished tool run produced.
    public struct Output: Sendable {
        /// Exit status.
        public let status: Int32
        /// Everything written to stdout.
        public let stdout: Data
        /// Everything written to stderr, as text.
        public let stderr: String
    }

    /// A tool that ran but failed.
    public struct Failure: Error, CustomStringConvertible {
        /// The command line.
        public let command: String
        /// Its exit status.
        public let status: Int32
        /// Its stderr (last 2000 characters).
        public let stderr: String
        /// "command exited with N: stderr".
        public var description: String { "\(command) exited with \(status): \(stderr)" }
    }

    /// Runs `executable` (looked up on PATH) with `arguments`, feeding `stdin`; returns whatever the exit status.
    ///
    /// The child is started with `posix_spawnp` and reaped with `waitpid` on its own pid. Foundation's `Process`
    /// is not used: on Linux its `waitUntilExit` relies on a process-wide SIGCHLD source and was seen to miss a
    /// child's exit when many tests spawn processes at once, hanging the whole test run.
    public static func run(_ executable: String, _ arguments: [String], stdin: Data = Data()) throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("in"), outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        try stdin.write(to: inURL)
        let status = try spawnAndWait([executable] + arguments, stdin: inURL.path, stdout: outURL.path, stderr: errURL.path)
        return Output(
            status: status, stdout: (try? Data(contentsOf: outURL)) ?? Data(),
            stderr: String(decoding: (try? Data(contentsOf: errURL)) ?? Data(), as: UTF8.self))
    }

    /// Spawns `argv` with its standard streams redirected to files and waits for it; returns the exit status
    /// (128 + signal number when it was killed by a signal).
    private static func spawnAndWait(_ argv: [String], stdin: String, stdout: String, stderr: String) throws -> Int32 {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdin, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdout, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        let cArguments = argv.map { strdup($0) } + [nil]
        defer { cArguments.forEach { free($0) } }
        var pid: pid_t = 0
        let spawnError = posix_spawnp(&pid, argv[0], &actions, nil, cArguments, environ)
        guard spawnError == 0 else {
            throw Failure(command: argv.joined(separator: " "), status: -1,
                          stderr: "could not start: \(String(cString: strerror(spawnError)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 {
            guard errno == EINTR else {
                throw Failure(command: argv.joined(separator: " "), status: -1,
                              stderr: "waitpid failed: \(String(cString: strerror(errno)))")
            }
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Runs the tool and throws ``Failure`` unless it exits with 0; returns stdout.
    @discardableResult
    public static func check(_ executable: String, _ arguments: [String], stdin: Data = Data()) throws -> Data {
        let output = try run(executable, arguments, stdin: stdin)
        guard output.status == 0 else {
            throw Failure(command: ([executable] + arguments).joined(separator: " "), status: output.status,
                          stderr: String(output.stderr.suffix(2000)))
        }
        return output.stdout
    }
}

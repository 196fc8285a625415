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
    public static func run(_ executable: String, _ arguments: [String], stdin: Data = Data()) throws -> Output {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tool-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inURL = directory.appendingPathComponent("in"), outURL = directory.appendingPathComponent("out")
        let errURL = directory.appendingPathComponent("err")
        try stdin.write(to: inURL)
        try Data().write(to: outURL)
        try Data().write(to: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [executable] + arguments
        process.standardInput = try FileHandle(forReadingFrom: inURL)
        process.standardOutput = try FileHandle(forWritingTo: outURL)
        process.standardError = try FileHandle(forWritingTo: errURL)
        try process.run()
        process.waitUntilExit()
        return Output(
            status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
            stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
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

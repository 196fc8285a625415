import Foundation
import KafkaDevelopment

extension ChildProcess {
    /// Starts `executable arguments` with stdout and stderr in `directory/<name>.out` and `<name>.log`, waits for its
    /// first stdout line starting with `prefix` and returns the child and the rest of that line; a child that does not
    /// print it within 30 s is stopped and the wait's error thrown.
    static func start(
        executable: String, arguments: [String], name: String, directory: URL, awaiting prefix: String, what: String
    ) async throws -> (process: ChildProcess, rest: String) {
        let process = try await ChildProcess.start(
            executable: executable, arguments: arguments,
            outputPath: directory.appendingPathComponent("\(name).out").path,
            errorPath: directory.appendingPathComponent("\(name).log").path)
        do {
            let line = try await process.waitForOutputLine(within: .seconds(30), what: what) { $0.hasPrefix(prefix) }
            return (process, String(line.dropFirst(prefix.count)))
        } catch {
            await process.stop(grace: .seconds(2))
            throw error
        }
    }
}

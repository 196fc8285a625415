import Foundation
import Kafka
import KafkaDevelopment
import TestSupport
import WorkerTestSupport

/// One-shot `avatar-worker` commands whose standard output a check reads (`submit`, `results`).
enum WorkerCommand {
    /// Runs `avatar-worker <arguments>` to completion and returns its stdout lines.
    /// - Throws: ``WorkerProcessError/commandFailed(arguments:exit:stderr:)`` unless it exits 0 within `timeout`.
    static func output(_ arguments: [String], timeout: Duration = .seconds(60)) async throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let child = try await ChildProcess.start(
            executable: try WorkerProcess.binaryPath(), arguments: arguments,
            outputPath: directory.appendingPathComponent("out").path, errorPath: directory.appendingPathComponent("err").path)
        let exit = await child.waitForExit(timeout: timeout)
        guard exit == .exited(0) else {
            await child.stop(grace: .seconds(1))
            throw WorkerProcessError.commandFailed(arguments: arguments, exit: exit, stderr: child.errorTail())
        }
        return child.outputLines()
    }
}

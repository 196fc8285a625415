import ArgumentParser
import AvatarJobs
import Foundation

/// The job messages named on a command line (`validate`, `submit`): each file (or stdin when none is named) holds
/// one JSON job, possibly pretty-printed, or JSON lines with one job per line.
enum JobInputFiles {
    /// Every message of every input, in order; an unreadable file ends the command with exit status 2.
    static func messages(files: [String], command: String) throws -> [[UInt8]] {
        let inputs: [Data]
        do {
            inputs = try files.isEmpty
                ? [FileHandle.standardInput.readDataToEndOfFile()]
                : files.map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        } catch {
            StandardOutput.error("avatar-worker \(command): \(error.localizedDescription)")
            throw ExitCode(2)
        }
        return inputs.flatMap { JobValidator.messages(in: [UInt8]($0)) }
    }
}

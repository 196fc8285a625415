import Foundation

/// Line output for the commands that stream (results, dlq, demo): each line is written to stdout at once, unbuffered,
/// so a pipe (`| jq`, CI logs) sees every event as it arrives instead of when a buffer fills.
enum StandardOutput {
    /// Writes `line` and a newline to stdout.
    static func line(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}

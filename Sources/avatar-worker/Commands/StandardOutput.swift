import Foundation

/// Line output for the commands that print JSON lines or stream (submit, results, dlq, demo): each line is written
/// to stdout at once, unbuffered, so a pipe (`| jq`, CI logs) sees every event as it arrives instead of when a
/// buffer fills; objects are encoded one way everywhere (sorted keys, unescaped slashes).
enum StandardOutput {
    /// Writes `line` and a newline to stdout.
    static func line(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    /// Writes `message` and a newline to stderr (diagnostics never mix with the JSON lines on stdout).
    static func error(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }

    /// `object` as one line of JSON with sorted keys (`NSNull` for null); `{}` if it holds a non-JSON value.
    static func jsonLine(_ object: [String: Any]) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Splits a file handed to `avatar-worker validate` (or a test corpus) into job messages: the whole input when it is
/// one JSON document (possibly pretty-printed over many lines), else one message per non-blank line (JSON lines).
public enum JobInputSplitter {
    /// The messages in `input`, in order; blank lines are skipped.
    public static func messages(in input: [UInt8]) -> [[UInt8]] {
        let isSingleDocument = input.withUnsafeBytes { bytes in (try? JSONParser.parse(bytes)) != nil }
        if isSingleDocument { return [input] }
        return input.split(separator: 0x0A, omittingEmptySubsequences: true)
            .map { line in Array(line.last == 0x0D ? line.dropLast() : line) }
            .filter { line in line.contains { ![0x20, 0x09].contains($0) } }
    }
}

/// Searches text a worker produced (log lines, a metrics scrape, result events, headers) for things that must never
/// leave it: secrets (the API key, callback tokens) and fragments of the base64 media jobs carried.
///
/// A payload counts as leaked when any 24-character window of it appears, so a log line that truncates or wraps a
/// base64 string is still caught; windows start every 12 characters, so any copy of 36 or more consecutive characters
/// contains one. Besides the known payloads, any run of 80 or more base64 characters is reported as suspect, which
/// catches media the scanner was not told about. Trace ids, task ids and hashes are far shorter.
public struct SecretScanner: Sendable {
    /// One thing found where it must not be.
    public struct Finding: Sendable, Hashable, CustomStringConvertible {
        /// Which source (e.g. `log`, `metrics`, `result event job-1`).
        public var source: String
        /// What was found: `secret "api key"`, `payload "image of job-1"`, or `base64-looking run`.
        public var what: String
        /// The surrounding text, shortened.
        public var excerpt: String

        public var description: String { "\(source): \(what) in …\(excerpt)…" }
    }

    private var secrets: [(name: String, value: String)] = []
    /// Every 24-character window of the payloads (taken every 12 characters), with the payload's name.
    private var fragments: [Substring: String] = [:]

    /// A scanner that knows nothing yet.
    public init() {}

    /// Reports any occurrence of `value` (an API key, a callback token) as `name`.
    public mutating func secret(_ value: String, named name: String) {
        secrets.append((name, value))
    }

    /// Reports any 24-character window of `base64` (inline media a job carried) as `name`.
    public mutating func payload(_ base64: String, named name: String) {
        let characters = Substring(base64)
        guard characters.count >= Self.window else { return secret(base64, named: name) }
        var start = characters.startIndex
        while let end = characters.index(start, offsetBy: Self.window, limitedBy: characters.endIndex) {
            fragments[characters[start..<end]] = name
            guard let next = characters.index(start, offsetBy: Self.step, limitedBy: characters.endIndex) else { break }
            start = next
        }
    }

    /// Everything found in `text`, labelled with `source`.
    ///
    /// Only runs of base64 characters can hold a payload fragment, so the text is cut into such runs first and each
    /// run's windows are looked up in a set: linear in the text, however many payloads there are.
    public func scan(_ text: String, source: String) -> [Finding] {
        var findings: [Finding] = []
        for (name, value) in secrets where text.contains(value) {
            findings.append(Finding(source: source, what: "secret \"\(name)\"", excerpt: Self.excerpt(of: value, in: text)))
        }
        var reported: Set<String> = []
        for run in Self.base64Runs(in: text, atLeast: Self.window) {
            if run.count >= Self.suspectRun {
                findings.append(Finding(source: source, what: "base64-looking run", excerpt: String(run.prefix(60))))
            }
            var start = run.startIndex
            while let end = run.index(start, offsetBy: Self.window, limitedBy: run.endIndex) {
                if let name = fragments[run[start..<end]], reported.insert(name).inserted {
                    findings.append(Finding(source: source, what: "payload \"\(name)\"", excerpt: String(run.prefix(60))))
                }
                start = run.index(after: start)
            }
        }
        return findings
    }

    /// Everything found in each of `texts`.
    public func scan(_ texts: [(source: String, text: String)]) -> [Finding] {
        texts.flatMap { scan($0.text, source: $0.source) }
    }

    private static let window = 24
    private static let step = 12
    private static let suspectRun = 80

    /// The maximal runs of base64 characters (`A-Z a-z 0-9 + /`) of at least `minimum` characters.
    private static func base64Runs(in text: String, atLeast minimum: Int) -> [Substring] {
        var runs: [Substring] = []
        var start: String.Index?
        var count = 0
        func close(at end: String.Index) {
            if let start, count >= minimum { runs.append(text[start..<end]) }
            start = nil
            count = 0
        }
        for index in text.indices {
            let character = text[index]
            if character.isASCII && (character.isLetter || character.isNumber || character == "+" || character == "/") {
                if start == nil { start = index }
                count += 1
            } else {
                close(at: index)
            }
        }
        close(at: text.endIndex)
        return runs
    }

    private static func excerpt(of needle: String, in text: String) -> String {
        guard let range = text.range(of: needle) else { return "" }
        let lower = text.index(range.lowerBound, offsetBy: -30, limitedBy: text.startIndex) ?? text.startIndex
        let upper = text.index(range.upperBound, offsetBy: 30, limitedBy: text.endIndex) ?? text.endIndex
        return String(text[lower..<upper])
    }
}

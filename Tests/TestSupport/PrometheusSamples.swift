/// The samples of a Prometheus text exposition (a `/metrics` scrape), for tests that assert on values without
/// depending on the order or on labels they do not care about.
public struct PrometheusSamples: Sendable {
    /// One sample line: series name, labels, value.
    public struct Sample: Sendable, Hashable {
        /// The series name (a histogram's `_bucket`, `_sum` or `_count` included).
        public var name: String
        /// The labels.
        public var labels: [String: String]
        /// The value.
        public var value: Double
    }

    /// Every sample, in the order of the text.
    public let samples: [Sample]

    /// Parses `text`; comment lines and lines that are not samples are skipped.
    public init(_ text: String) {
        samples = text.split(separator: "\n").filter { !$0.hasPrefix("#") }.compactMap { line in
            guard let match = line.firstMatch(of: /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/) else { return nil }
            var labels: [String: String] = [:]
            for pair in (match.output.2 ?? "").matches(of: /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/) {
                labels[String(pair.output.1)] = String(pair.output.2)
            }
            return Sample(name: String(match.output.1), labels: labels, value: Double(match.output.3) ?? .nan)
        }
    }

    /// The names of every series present.
    public var names: Set<String> { Set(samples.map(\.name)) }

    /// The sum of the values of series `name` whose labels include all of `labels`.
    public func sum(_ name: String, where labels: [String: String] = [:]) -> Double {
        samples.filter { sample in sample.name == name && labels.allSatisfy { sample.labels[$0.key] == $0.value } }
            .reduce(0) { $0 + $1.value }
    }
}

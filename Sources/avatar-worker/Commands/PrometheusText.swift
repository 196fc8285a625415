/// A scrape of a worker's `/metrics`, read for the figures the benchmarks print.
///
/// Hand-written because no package here reads the text exposition format (swift-prometheus only writes it) and the
/// benchmarks need only sample lines with simple label values, which is what `WorkerMetrics` emits: `name value` or
/// `name{label="value",…} value`, one per line, comments starting with `#`. Label values are read up to the next
/// unescaped quote, so an escaped quote inside one does not end it. Tested in `PrometheusTextTests`.
struct PrometheusText: Sendable {
    struct Sample: Sendable, Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }

    let samples: [Sample]

    init(_ text: String) {
        samples = text.split(separator: "\n").compactMap { Self.sample(Substring($0)) }
    }

    /// The sum of every sample of `name` whose labels include `labels`.
    func sum(_ name: String, where labels: [String: String] = [:]) -> Double {
        samples.lazy.filter { $0.name == name && Self.matches($0.labels, labels) }.reduce(0) { $0 + $1.value }
    }

    /// The histogram `name` (its `_bucket`, `_count` and `_sum` series) over the series whose labels include `labels`.
    func histogram(_ name: String, where labels: [String: String] = [:]) -> HistogramSnapshot {
        var buckets: [Double: Double] = [:]
        for sample in samples where sample.name == name + "_bucket" && Self.matches(sample.labels, labels) {
            guard let bound = sample.labels["le"].flatMap(Self.bound) else { continue }
            buckets[bound, default: 0] += sample.value
        }
        return HistogramSnapshot(
            buckets: buckets.sorted { $0.key < $1.key }.map { (upper: $0.key, count: $0.value) },
            count: sum(name + "_count", where: labels), sum: sum(name + "_sum", where: labels))
    }

    private static func matches(_ labels: [String: String], _ wanted: [String: String]) -> Bool {
        wanted.allSatisfy { labels[$0.key] == $0.value }
    }

    private static func bound(_ text: String) -> Double? {
        text == "+Inf" ? .infinity : Double(text)
    }

    private static func sample(_ line: Substring) -> Sample? {
        let line = line.trimmingPrefix(while: { $0 == " " })
        guard !line.isEmpty, line.first != "#" else { return nil }
        var labels: [String: String] = [:]
        let name: Substring
        var rest: Substring
        if let brace = line.firstIndex(of: "{") {
            name = line[..<brace]
            rest = line[line.index(after: brace)...]
            while let equals = rest.firstIndex(of: "=") {
                let key = rest[..<equals].trimmingPrefix(while: { $0 == "," || $0 == " " })
                rest = rest[rest.index(after: equals)...]
                guard rest.first == "\"" else { return nil }
                rest = rest.dropFirst()
                var value = ""
                var escaped = false
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if escaped {
                        value.append(character == "n" ? "\n" : character)
                        escaped = false
                    } else if character == "\\" {
                        escaped = true
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { return nil }
                labels[String(key)] = value
                rest = rest.trimmingPrefix(while: { $0 == "," || $0 == " " })
                if rest.first == "}" { break }
            }
            guard rest.first == "}" else { return nil }
            rest = rest.dropFirst()
        } else {
            guard let space = line.firstIndex(of: " ") else { return nil }
            name = line[..<space]
            rest = line[space...]
        }
        let fields = rest.split(separator: " ")
        guard !name.isEmpty, let first = fields.first, let value = Double(first) ?? (first == "+Inf" ? .infinity : nil)
        else { return nil }
        return Sample(name: String(name), labels: labels, value: value)
    }
}

/// Cumulative bucket counts of one histogram at one scrape.
struct HistogramSnapshot: Sendable, Equatable {
    /// Upper bounds (seconds, `+Inf` last) with the count of observations at or below each, ascending.
    var buckets: [(upper: Double, count: Double)]
    var count: Double
    var sum: Double

    static func == (a: Self, b: Self) -> Bool {
        a.count == b.count && a.sum == b.sum && a.buckets.map(\.upper) == b.buckets.map(\.upper)
            && a.buckets.map(\.count) == b.buckets.map(\.count)
    }

    /// The observations made after `earlier` (the same histogram scraped before): a steady-state window.
    func subtracting(_ earlier: HistogramSnapshot) -> HistogramSnapshot {
        let before = Dictionary(earlier.buckets.map { ($0.upper, $0.count) }, uniquingKeysWith: +)
        return HistogramSnapshot(
            buckets: buckets.map { (upper: $0.upper, count: $0.count - (before[$0.upper] ?? 0)) },
            count: count - earlier.count, sum: sum - earlier.sum)
    }

    /// The `q` quantile (0…1) estimated as Prometheus's `histogram_quantile` does: linear within the bucket that
    /// holds it, from the bucket below's bound (0 for the first). Nil without observations; the highest finite
    /// bound when it falls in the `+Inf` bucket.
    func quantile(_ q: Double) -> Double? {
        guard count > 0, let total = buckets.last?.count, total > 0 else { return nil }
        let rank = q * total
        var lower = 0.0
        var below = 0.0
        for bucket in buckets {
            if bucket.count >= rank {
                guard bucket.upper.isFinite else { return lower }
                let inside = bucket.count - below
                return inside > 0 ? lower + (bucket.upper - lower) * (rank - below) / inside : bucket.upper
            }
            lower = bucket.upper
            below = bucket.count
        }
        return lower
    }

    /// The upper bound of the lowest bucket that holds every observation: the maximum is at most this (infinity
    /// when some fell above the highest finite bound). Nil without observations.
    var maximumBound: Double? {
        guard count > 0, let total = buckets.last?.count else { return nil }
        return buckets.first { $0.count >= total }?.upper
    }

    /// The mean observation; nil without observations.
    var mean: Double? { count > 0 ? sum / count : nil }
}

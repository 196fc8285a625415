import Foundation
import TestSupport
import WorkerTestSupport
import Yams

/// The files under `deploy/` and how the checks read them: YAML (one or many documents) as plain dictionaries and
/// arrays, so a check states facts about the file as written.
enum DeployFiles {
    /// `deploy/` of this checkout.
    static let root = PackageRoot.url.appendingPathComponent("deploy")

    /// Whether `kubectl` is on PATH; the checks that need a render are skipped (and say so) without it.
    static let kubectlAvailable = ProcessInfo.processInfo.environment["PATH", default: "/usr/bin:/bin"]
        .split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/kubectl") }

    /// The absolute path of `relative` under `deploy/`.
    static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The text of `deploy/<relative>`.
    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: path(relative), encoding: .utf8)
    }

    /// Seconds of a duration written as in compose and Kubernetes files (`50s`, `2m`, `1m30s`, `500ms`), nil when
    /// it is none.
    static func seconds(_ text: String) -> Double? {
        let parts = text.matches(of: /(\d+(?:\.\d+)?)(ms|s|m|h)/)
        guard !parts.isEmpty, parts.map({ $0.output.0.count }).reduce(0, +) == text.count else { return nil }
        let scale = ["ms": 0.001, "s": 1, "m": 60, "h": 3600]
        return parts.reduce(0) { $0 + (Double($1.output.1) ?? 0) * (scale[String($1.output.2)] ?? 0) }
    }

    /// The single YAML document of `deploy/<relative>`.
    static func yaml(_ relative: String) throws -> YAMLValue {
        try YAMLValue(parsing: text(relative))
    }

    /// Names of every metric a PromQL expression refers to: the worker's `avatar_worker_…` names (a histogram's
    /// `_bucket`, `_sum` or `_count` kept) and Prometheus's own `up`.
    static func metricNames(inExpression expression: String) -> Set<String> {
        Set(expression.matches(of: /\b(avatar_worker_[a-z0-9_]+|up)\b/).map { String($0.output.1) })
    }

    /// The PromQL expression of every alert rule in `deploy/prometheus/alerts.yaml`, by alert name.
    static func alertExpressions() throws -> [String: String] {
        var expressions: [String: String] = [:]
        for group in try yaml("prometheus/alerts.yaml")["groups"].array {
            for rule in group["rules"].array {
                if let name = rule["alert"].string { expressions[name] = rule["expr"].string ?? "" }
            }
        }
        return expressions
    }

    /// The PromQL expression of every query of every panel of the Grafana dashboard, by panel title.
    static func dashboardExpressions() throws -> [(panel: String, expressions: [String])] {
        try yaml("grafana/avatar-worker.json")["panels"].array.compactMap { panel in
            guard panel["type"].string != "row" else { return nil }
            return (panel["title"].string ?? "?", panel["targets"].array.compactMap { $0["expr"].string })
        }
    }
}

/// A parsed YAML (or JSON) value with subscripts that fail a test with a clear message instead of crashing.
struct YAMLValue: CustomStringConvertible {
    /// The value as Yams loads it: `[String: Any]`, `[Any]`, `String`, `Int`, `Double`, `Bool` or `NSNull`.
    let raw: Any?

    /// Parses one document.
    init(parsing text: String) throws {
        raw = try Yams.load(yaml: text)
    }

    /// Every document of a multi-document stream (`kubectl kustomize` output).
    static func documents(parsing text: String) throws -> [YAMLValue] {
        try Yams.load_all(yaml: text).map { YAMLValue(raw: $0) }
    }

    init(raw: Any?) { self.raw = raw }

    /// The member `key` of a mapping (nil raw when absent).
    subscript(_ key: String) -> YAMLValue { YAMLValue(raw: (raw as? [String: Any])?[key]) }

    /// The element `index` of a sequence (nil raw when absent).
    subscript(_ index: Int) -> YAMLValue {
        guard let array = raw as? [Any], array.indices.contains(index) else { return YAMLValue(raw: nil) }
        return YAMLValue(raw: array[index])
    }

    /// The elements of a sequence (empty for anything else).
    var array: [YAMLValue] { (raw as? [Any])?.map { YAMLValue(raw: $0) } ?? [] }
    /// The members of a mapping (empty for anything else).
    var dictionary: [String: YAMLValue] { (raw as? [String: Any])?.mapValues { YAMLValue(raw: $0) } ?? [:] }
    /// A scalar as text (numbers and booleans too), nil for collections and absent values.
    var string: String? {
        switch raw {
        case let text as String: text
        case let number as Int: String(number)
        case let number as Double: String(number)
        case let flag as Bool: flag ? "true" : "false"
        default: nil
        }
    }
    /// A whole number (also from text).
    var int: Int? { (raw as? Int) ?? string.flatMap { Int($0) } }
    /// Whether the value exists.
    var exists: Bool { raw != nil && !(raw is NSNull) }

    /// The value as JSON data (for an independent validator).
    func jsonData() throws -> Data {
        try JSONSerialization.data(withJSONObject: raw ?? NSNull(), options: [.sortedKeys, .fragmentsAllowed])
    }

    var description: String { raw.map { "\($0)" } ?? "nil" }
}

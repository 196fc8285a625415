import Foundation

/// What `topics check` prints: a table and the findings for a person, or one JSON object for a program.
struct TopicCheckReport: Sendable {
    let topics: [ObservedTopic]
    let findings: [TopicCheck.Finding]
    let totalDeadlineMilliseconds: Int64

    /// Whether nothing breaks the design (warnings allowed).
    var isHealthy: Bool { !findings.contains { $0.severity == .problem } }

    /// Columns of the text table: the config and its header.
    private static let columns: [(config: String, header: String)] = [
        ("cleanup.policy", "cleanup.policy"), ("retention.ms", "retention"), ("segment.ms", "segment"),
        ("min.cleanable.dirty.ratio", "dirty ratio"), ("delete.retention.ms", "delete retention"),
        ("min.compaction.lag.ms", "min lag"), ("max.compaction.lag.ms", "max lag"),
    ]

    /// The table (one row per topic; `-` for a config the broker did not report), then each finding on its own line,
    /// then the verdict.
    var text: String {
        let header = ["topic", "role", "partitions"] + Self.columns.map(\.header)
        var rows = [header]
        for observed in topics {
            var row = [observed.topic.name, observed.topic.role.rawValue, observed.partitions.map(String.init) ?? "missing"]
            for column in Self.columns {
                row.append(observed.partitions == nil ? "" : Self.shown(observed.configs[column.config], config: column.config))
            }
            rows.append(row)
        }
        let widths = header.indices.map { index in rows.map { $0[index].count }.max() ?? 0 }
        var lines = rows.map { row in
            row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailingSpaces()
        }
        lines.append("")
        for finding in findings { lines.append("\(finding.severity.rawValue): \(finding.message)") }
        let problems = findings.filter { $0.severity == .problem }.count
        lines.append(problems == 0
            ? "ok: the topics fit the worker (total deadline \(ConfigMilliseconds(totalDeadlineMilliseconds)))"
            : "\(problems) problem\(problems == 1 ? "" : "s"): the topics do not fit the worker")
        return lines.joined(separator: "\n")
    }

    /// One JSON object: `ok`, `total_deadline_ms`, `topics` (role, topic, exists, partitions, configs with null for
    /// a config not reported) and `findings` (severity, topic, config, message).
    var json: [String: Any] {
        [
            "ok": isHealthy,
            "total_deadline_ms": totalDeadlineMilliseconds,
            "topics": topics.map { observed -> [String: Any] in
                var configs: [String: Any] = [:]
                for name in ObservedTopic.shownConfigs { configs[name] = Self.nullable(observed.configs[name]) }
                var object: [String: Any] = [
                    "role": observed.topic.role.rawValue, "topic": observed.topic.name, "exists": observed.partitions != nil,
                    "partitions": Self.nullable(observed.partitions),
                ]
                if observed.partitions != nil { object["configs"] = configs }
                if let error = observed.configError { object["config_error"] = error }
                return object
            },
            "findings": findings.map { finding -> [String: Any] in
                [
                    "severity": finding.severity.rawValue, "topic": Self.nullable(finding.topic),
                    "config": Self.nullable(finding.config), "message": finding.message,
                ]
            },
        ]
    }

    /// `value`, or JSON null.
    private static func nullable(_ value: Any?) -> Any { value ?? NSNull() }

    /// A config value for the table: durations in short units, `-` when not reported.
    private static func shown(_ value: String?, config: String) -> String {
        guard let value else { return "-" }
        if config.hasSuffix(".ms"), let milliseconds = Int64(value) { return ConfigMilliseconds(milliseconds).description }
        return value
    }
}

private extension String {
    func trimmingTrailingSpaces() -> String {
        var copy = self
        while copy.last == " " { copy.removeLast() }
        return copy
    }
}

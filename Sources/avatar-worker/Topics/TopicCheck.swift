/// The rules `topics check` applies: everything about the worker's topics that breaks the design (DESIGN.md,
/// "Topics") is a problem (the command exits 1), anything it cannot verify is a warning.
struct TopicCheck: Sendable {
    /// One thing found.
    struct Finding: Sendable, Hashable {
        enum Severity: String, Sendable { case problem, warning }

        let severity: Severity
        /// The topic it is about (nil for the fleet as a whole, such as unequal partition counts).
        let topic: String?
        /// The config it is about, if one.
        let config: String?
        let message: String
    }

    /// The longest `segment.ms` a compacted worker topic may have: beyond a day, a quiet partition's active segment
    /// (which Kafka never compacts) holds days of dead records that every restore reads.
    static let maximumLedgerSegment: Int64 = 86_400_000
    /// The shortest `delete.retention.ms` that is not flagged: tombstones must outlive any restore that started
    /// before the cleaner removed them; an hour is far longer than a restore bounded by the live records.
    static let minimumDeleteRetention: Int64 = 3_600_000

    /// The worker's total deadline (`--total-deadline`): jobs and their ledger records must outlive it.
    let totalDeadlineMilliseconds: Int64

    /// Every finding for `topics`, problems and warnings in the order the topics are given.
    func findings(_ topics: [ObservedTopic]) -> [Finding] {
        var findings: [Finding] = []
        let existing = topics.filter { $0.partitions != nil }
        for missing in topics where missing.partitions == nil {
            findings.append(Finding(
                severity: .problem, topic: missing.topic.name, config: nil,
                message: "the \(missing.topic.role.rawValue) topic \(missing.topic.name) does not exist (avatar-worker topics create makes it)"))
        }
        let counts = Set(existing.compactMap(\.partitions))
        if counts.count > 1 {
            let listed = existing.map { "\($0.topic.name) \($0.partitions ?? 0)" }.joined(separator: ", ")
            findings.append(Finding(
                severity: .problem, topic: nil, config: nil,
                message: "partition counts differ (\(listed)): ledger partition p must hold the jobs of jobs partition p; "
                    + "grow them together with avatar-worker topics expand --partitions \(counts.max() ?? 0)"))
        }
        for observed in existing {
            findings += configFindings(observed)
        }
        return findings
    }

    private func configFindings(_ observed: ObservedTopic) -> [Finding] {
        let topic = observed.topic
        func finding(_ severity: Finding.Severity, _ config: String?, _ message: String) -> Finding {
            Finding(severity: severity, topic: topic.name, config: config, message: message)
        }
        if let error = observed.configError {
            let severity: Finding.Severity = topic.role == .results || topic.role == .dlq ? .warning : .problem
            return [finding(severity, nil, "the configs of \(topic.name) could not be read: \(error)")]
        }
        var findings: [Finding] = []
        let policies = observed.cleanupPolicies
        if topic.role.isCompacted {
            switch policies {
            case nil:
                findings.append(finding(.problem, "cleanup.policy",
                    "\(topic.name) reports no cleanup.policy; it must be compact (the broker default, delete, drops live records)"))
            case let policies? where !policies.contains("compact"):
                findings.append(finding(.problem, "cleanup.policy",
                    "\(topic.name) has cleanup.policy=\(observed.configs["cleanup.policy"] ?? ""); it must be compact"))
            case let policies? where policies.contains("delete"):
                findings.append(finding(.problem, "cleanup.policy",
                    "\(topic.name) has cleanup.policy=\(observed.configs["cleanup.policy"] ?? ""): delete also removes live "
                        + "records older than retention.ms (a long task would lose its ledger record); it must be compact only"))
            default:
                break
            }
            findings += segmentFindings(observed, finding)
        }
        let deletes = policies.map { $0.contains("delete") } ?? !topic.role.isCompacted
        if (topic.role == .jobs || topic.role == .tasks) && deletes {
            switch observed.milliseconds("retention.ms") {
            case nil:
                findings.append(finding(.warning, "retention.ms",
                    "\(topic.name) reports no retention.ms; it must be at least the total deadline "
                        + "\(ConfigMilliseconds(totalDeadlineMilliseconds)) (Apache Kafka's default is 7d)"))
            case let retention? where retention >= 0 && retention < totalDeadlineMilliseconds:
                findings.append(finding(.problem, "retention.ms",
                    "\(topic.name) has retention.ms=\(retention) (\(ConfigMilliseconds(retention))), shorter than the total "
                        + "deadline \(ConfigMilliseconds(totalDeadlineMilliseconds)): a job still waiting or in flight that long "
                        + "loses its \(topic.role == .jobs ? "message" : "ledger record")"))
            default:
                break
            }
        }
        return findings
    }

    private func segmentFindings(
        _ observed: ObservedTopic, _ finding: (Finding.Severity, String?, String) -> Finding
    ) -> [Finding] {
        let name = observed.topic.name
        var findings: [Finding] = []
        switch observed.milliseconds("segment.ms") {
        case nil:
            findings.append(finding(.warning, "segment.ms",
                "\(name) reports no segment.ms; with Apache Kafka's default (7d) the active segment, which is never "
                    + "compacted, holds a week of dead records (topics create sets 1h)"))
        case let segment? where segment > Self.maximumLedgerSegment:
            findings.append(finding(.problem, "segment.ms",
                "\(name) has segment.ms=\(segment) (\(ConfigMilliseconds(segment))): the active segment is never compacted, "
                    + "so it holds up to that much dead history for every restore to read; at most "
                    + "\(ConfigMilliseconds(Self.maximumLedgerSegment)) (topics create sets 1h)"))
        default:
            break
        }
        if let retention = observed.milliseconds("delete.retention.ms"), retention < Self.minimumDeleteRetention {
            findings.append(finding(.warning, "delete.retention.ms",
                "\(name) has delete.retention.ms=\(retention) (\(ConfigMilliseconds(retention))): a restore running longer "
                    + "than that can miss a tombstone and resume a finished job (topics create sets 1d)"))
        }
        return findings
    }
}

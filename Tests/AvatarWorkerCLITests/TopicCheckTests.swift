@testable import avatar_worker
import Foundation
import Kafka
import Testing

/// `topics check`'s rules and `topics expand`'s plan as tables: what breaks the design is a problem, what cannot be
/// verified a warning; an expansion never shrinks and grows the jobs topic last.
@Suite("Topic rules")
struct TopicCheckTests {
    private static let roles: [(WorkerTopic.Role, String)] = [
        (.jobs, "j"), (.tasks, "t"), (.results, "r"), (.dlq, "d"), (.replayLog, "l"),
    ]

    /// The five topics with `partitions` each and the configs `topics create` sets, changed by `adjust`.
    private func topics(
        partitions: Int = 4, _ adjust: (inout [String: Int?], inout [String: [String: String]]) -> Void = { _, _ in }
    ) -> [ObservedTopic] {
        var counts: [String: Int?] = [:]
        var configs: [String: [String: String]] = [:]
        let ledger = ["cleanup.policy": "compact", "segment.ms": "3600000", "delete.retention.ms": "86400000"]
        for (role, name) in Self.roles {
            counts[name] = partitions
            configs[name] = role.isCompacted ? ledger : ["cleanup.policy": "delete", "retention.ms": "604800000"]
        }
        adjust(&counts, &configs)
        return Self.roles.map { role, name in
            ObservedTopic(
                topic: WorkerTopic(role: role, name: name), partitions: counts[name] ?? nil,
                configs: KafkaTopicConfigs(entries: (configs[name] ?? [:]).mapValues { KafkaTopicConfigs.Entry(value: $0) }),
                configError: nil)
        }
    }

    private let check = TopicCheck(totalDeadlineMilliseconds: 3_600_000)

    private func problems(_ topics: [ObservedTopic]) -> [String] {
        check.findings(topics).filter { $0.severity == .problem }.map { "\($0.topic ?? "*") \($0.config ?? "-")" }
    }

    @Test("the topics topics create makes pass")
    func healthy() {
        #expect(check.findings(topics()).isEmpty)
    }

    @Test("each breach is one problem, naming the topic and config")
    func breaches() {
        #expect(problems(topics { counts, _ in counts["r"] = .some(nil) }) == ["r -"])
        #expect(problems(topics { counts, _ in counts["t"] = 6 }) == ["* -"])
        #expect(problems(topics { _, configs in configs["t"]?["cleanup.policy"] = "delete" }) == ["t cleanup.policy"])
        #expect(problems(topics { _, configs in configs["t"]?["cleanup.policy"] = "compact,delete" }) == ["t cleanup.policy"])
        #expect(problems(topics { _, configs in configs["l"]?["cleanup.policy"] = nil }) == ["l cleanup.policy"])
        #expect(problems(topics { _, configs in configs["t"]?["segment.ms"] = "604800000" }) == ["t segment.ms"])
        #expect(problems(topics { _, configs in configs["j"]?["retention.ms"] = "1800000" }) == ["j retention.ms"])
        // A tasks topic that also deletes: both the policy and the short retention are reported.
        #expect(problems(topics { _, configs in
            configs["t"]?["cleanup.policy"] = "compact,delete"
            configs["t"]?["retention.ms"] = "600000"
        }) == ["t cleanup.policy", "t retention.ms"])
    }

    @Test("what is within the rules or cannot be verified is no problem")
    func withinTheRules() {
        #expect(problems(topics { _, configs in configs["j"]?["retention.ms"] = "-1" }) == [], "-1 keeps messages forever")
        #expect(problems(topics { _, configs in configs["j"]?["retention.ms"] = "3600000" }) == [], "exactly the deadline")
        #expect(problems(topics { _, configs in configs["t"]?["segment.ms"] = "86400000" }) == [], "a day at most")
        #expect(problems(topics { _, configs in configs["r"]?["retention.ms"] = "60000" }) == [], "results may be short")
        let unreported = check.findings(topics { _, configs in
            configs["j"] = [:]
            configs["t"]?["segment.ms"] = nil
            configs["t"]?["delete.retention.ms"] = "60000"
        })
        #expect(unreported.allSatisfy { $0.severity == .warning })
        #expect(Set(unreported.compactMap(\.config)) == ["segment.ms", "delete.retention.ms", "retention.ms"])
    }

    @Test("the report says ok or counts the problems, and its JSON carries every topic and finding")
    func report() throws {
        let broken = topics { _, configs in configs["t"]?["cleanup.policy"] = "delete" }
        let report = TopicCheckReport(topics: broken, findings: check.findings(broken), totalDeadlineMilliseconds: 3_600_000)
        #expect(!report.isHealthy)
        #expect(report.text.contains("1 problem: the topics do not fit the worker"))
        #expect(report.text.split(separator: "\n").first?.hasPrefix("topic") == true)
        let json = report.json
        #expect(json["ok"] as? Bool == false)
        #expect((json["topics"] as? [[String: Any]])?.count == 5)
        let finding = try #require((json["findings"] as? [[String: Any]])?.first)
        #expect(finding["topic"] as? String == "t" && finding["config"] as? String == "cleanup.policy")
        let healthy = TopicCheckReport(topics: topics(), findings: [], totalDeadlineMilliseconds: 3_600_000)
        #expect(healthy.text.hasSuffix("ok: the topics fit the worker (total deadline 1h)"))
    }

    @Test("an expansion grows every topic below N, the jobs topic last, and refuses to shrink or to do nothing")
    func expansion() throws {
        let workerTopics = Self.roles.map { WorkerTopic(role: $0.0, name: $0.1) }
        let counts = ["j": 4, "t": 4, "r": 4, "d": 4, "l": 4]
        let plan = try TopicExpansion.plan(workerTopics, counts: counts, to: 8)
        #expect(plan.first == ["t": 8, "r": 8, "d": 8, "l": 8])
        #expect(plan.second == ["j": 8])
        #expect(plan.mismatches(in: counts) == ["j", "t", "r", "d", "l"])
        #expect(plan.mismatches(in: counts.mapValues { _ in 8 }).isEmpty)
        // A run stopped after the first request is repeated: only the jobs topic is left to grow.
        let halfway = try TopicExpansion.plan(workerTopics, counts: ["j": 4, "t": 8, "r": 8, "d": 8, "l": 8], to: 8)
        #expect(halfway.first.isEmpty && halfway.second == ["j": 8])
        #expect(throws: TopicExpansion.Refusal.notLarger(requested: 4, counts: counts)) {
            try TopicExpansion.plan(workerTopics, counts: counts, to: 4)
        }
        #expect(throws: TopicExpansion.Refusal.self) { try TopicExpansion.plan(workerTopics, counts: counts, to: 2) }
        #expect(throws: TopicExpansion.Refusal.missing(topics: ["l"])) {
            try TopicExpansion.plan(workerTopics, counts: counts.filter { $0.key != "l" }, to: 8)
        }
        #expect(TopicExpansion.Refusal.notLarger(requested: 4, counts: counts).description.contains("Kafka cannot remove partitions"))
    }

    @Test("config durations read and print in short units")
    func durations() {
        #expect(ConfigMilliseconds(argument: "1h")?.value == 3_600_000)
        #expect(ConfigMilliseconds(argument: "250ms")?.value == 250)
        #expect(ConfigMilliseconds(argument: "7d")?.value == 604_800_000)
        #expect(ConfigMilliseconds(argument: "90")?.value == 90_000, "a plain number is seconds")
        #expect(ConfigMilliseconds(argument: "0")?.value == 0)
        #expect(ConfigMilliseconds(argument: "-1s") == nil && ConfigMilliseconds(argument: "soon") == nil)
        #expect(["0", "250ms", "90s", "6h", "7d", "forever"] == [Int64](arrayLiteral: 0, 250, 90_000, 21_600_000, 604_800_000, -1).map { ConfigMilliseconds($0).description })
    }
}

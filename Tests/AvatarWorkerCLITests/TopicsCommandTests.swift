import Foundation
import Kafka
import Testing
import TestSupport
import WorkerTestSupport

extension CommandLineTests {
    /// `topics create`, `check` and `expand` as a user runs them, on topics of their own on the suite's Tansu broker.
    ///
    /// Tansu 0.6 answers DescribeConfigs (with only the configs set on a topic) but not CreatePartitions, so `expand`
    /// is tested for its refusals and for reporting the broker's refusal; growing a topic cannot be done here.
    @Suite("topics")
    struct TopicsCommands {
        /// Connection options for five fresh topic names on the suite's broker.
        private static func fresh(_ shared: CommandLineStack) -> (options: [String], jobs: String, tasks: String, replayLog: String) {
            let prefix = UniqueName.make("topics")
            let jobs = "\(prefix).jobs", tasks = "\(prefix).tasks", replayLog = "\(prefix).replays"
            return ([
                "--brokers", shared.stack.broker.bootstrapServers, "--jobs-topic", jobs, "--tasks-topic", tasks,
                "--results-topic", "\(prefix).results", "--dlq-topic", "\(prefix).dlq", "--replay-log-topic", replayLog,
            ], jobs, tasks, replayLog)
        }

        private static func admin(_ shared: CommandLineStack) throws -> KafkaAdmin {
            try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": shared.stack.broker.bootstrapServers]))
        }

        @Test("create gives the compacted topics the compaction settings (overridable); check then passes, as text and JSON")
        func createThenCheck() async throws {
            let shared = try CommandLineStack.get()
            let topics = Self.fresh(shared)
            let created = try await CommandRun.run(
                ["topics", "create", "--partitions", "2", "--ledger-segment", "30m"] + topics.options)
            #expect(created.status == 0, "\(created.transcript)")
            let configs = try await Self.admin(shared).topicConfigs(of: [topics.tasks, topics.replayLog, topics.jobs])
            for name in [topics.tasks, topics.replayLog] {
                let described = try #require(try configs[name]?.get())
                #expect(described["cleanup.policy"] == "compact")
                #expect(described["segment.ms"] == "1800000", "--ledger-segment 30m")
                #expect(described["min.cleanable.dirty.ratio"] == "0.1")
                #expect(described["delete.retention.ms"] == "86400000")
                #expect(described["min.compaction.lag.ms"] == "0")
                #expect(described["max.compaction.lag.ms"] == "21600000")
            }
            #expect(try configs[topics.jobs]?.get()["cleanup.policy"] == nil, "the jobs topic keeps the broker's policy")

            let json = try await CommandRun.run(["topics", "check", "--format", "json"] + topics.options)
            #expect(json.status == 0, "\(json.transcript)")
            let report = try #require(json.objects().first)
            #expect(report["ok"] as? Bool == true)
            let listed = try #require(report["topics"] as? [[String: Any]])
            #expect(listed.map { $0["role"] as? String } == ["jobs", "tasks", "results", "dlq", "replay_log"])
            #expect(listed.allSatisfy { $0["partitions"] as? Int == 2 })
            let findings = try #require(report["findings"] as? [[String: Any]])
            #expect(findings.allSatisfy { $0["severity"] as? String == "warning" },
                    "Tansu reports no retention.ms for the jobs topic: a warning only")

            let text = try await CommandRun.run(["topics", "check", "--format", "text"] + topics.options)
            #expect(text.status == 0, "\(text.transcript)")
            #expect(text.lines.first?.hasPrefix("topic") == true)
            #expect(text.lines.contains { $0.hasPrefix(topics.tasks + " ") && $0.contains(" tasks ") && $0.contains(" compact ") })
            #expect(text.lines.last?.hasPrefix("ok: the topics fit the worker") == true)
        }

        @Test("check exits 1 and names each breach: unequal partitions, an uncompacted ledger, a retention below the deadline, a missing topic")
        func checkFindsBreaches() async throws {
            let shared = try CommandLineStack.get()
            let topics = Self.fresh(shared)
            let options = topics.options
            func value(_ name: String) -> String { options[options.firstIndex(of: name)! + 1] }
            _ = try await Self.admin(shared).createTopics([
                KafkaTopicSpecification(name: topics.jobs, partitions: 2, configs: ["retention.ms": "600000"]),
                KafkaTopicSpecification(name: topics.tasks, partitions: 3, configs: [
                    "cleanup.policy": "compact,delete", "segment.ms": "604800000", "retention.ms": "3600000",
                ]),
                KafkaTopicSpecification(name: value("--results-topic"), partitions: 2),
                KafkaTopicSpecification(name: value("--dlq-topic"), partitions: 2),
            ])
            let run = try await CommandRun.run(["topics", "check", "--format", "json", "--total-deadline", "2h"] + options)
            #expect(run.status == 1, "\(run.transcript)")
            let report = try #require(run.objects().first)
            #expect(report["ok"] as? Bool == false)
            #expect(report["total_deadline_ms"] as? Int == 7_200_000)
            let problems = try #require(report["findings"] as? [[String: Any]])
                .filter { $0["severity"] as? String == "problem" }
                .map { "\($0["topic"] as? String ?? "*") \($0["config"] as? String ?? "-")" }
            #expect(Set(problems) == [
                "\(topics.replayLog) -", "* -", "\(topics.tasks) cleanup.policy", "\(topics.tasks) segment.ms",
                "\(topics.tasks) retention.ms", "\(topics.jobs) retention.ms",
            ], "\(run.transcript)")
            let text = try await CommandRun.run(["topics", "check", "--format", "text"] + options)
            #expect(text.status == 1)
            #expect(text.stdout.contains("problem: partition counts differ"))
            #expect(text.lines.contains { $0.hasPrefix(topics.replayLog + " ") && $0.hasSuffix(" missing") })
        }

        @Test("expand refuses a count that does not grow the topics, and reports a broker that cannot grow them")
        func expandRefusals() async throws {
            let shared = try CommandLineStack.get()
            let topics = Self.fresh(shared)
            let created = try await CommandRun.run(["topics", "create", "--partitions", "2"] + topics.options)
            #expect(created.status == 0, "\(created.transcript)")
            for partitions in ["2", "1"] {
                let refused = try await CommandRun.run(["topics", "expand", "--partitions", partitions] + topics.options)
                #expect(refused.status == 2, "\(refused.transcript)")
            }
            let same = try await CommandRun.run(["topics", "expand", "--partitions", "2"] + topics.options)
            #expect(same.stderr.contains("does not grow the topics") && same.stderr.contains("Kafka cannot remove partitions"),
                    "\(same.transcript)")
            let unsupported = try await CommandRun.run(["topics", "expand", "--partitions", "4"] + topics.options)
            #expect(unsupported.status == 1, "\(unsupported.transcript)")
            #expect(unsupported.stderr.contains("does not support CreatePartitions"), "\(unsupported.transcript)")
            #expect(try await Self.admin(shared).partitionCount(of: topics.jobs) == 2, "the jobs topic is grown last: untouched")
            let missing = Self.fresh(shared)
            let none = try await CommandRun.run(["topics", "expand", "--partitions", "4"] + missing.options)
            #expect(none.status == 2 && none.stderr.contains("missing"), "\(none.transcript)")
        }

        @Test("bad compaction values are usage errors")
        func badValues() async throws {
            let shared = try CommandLineStack.get()
            let topics = Self.fresh(shared)
            for (flags, message) in [
                (["--ledger-dirty-ratio", "0"], "--ledger-dirty-ratio must be above 0"),
                (["--ledger-segment", "soon"], "ledger-segment"),
                (["--ledger-min-compaction-lag", "2h", "--ledger-max-compaction-lag", "1h"], "must not be below"),
            ] {
                let run = try await CommandRun.run(["topics", "create", "--partitions", "1"] + flags + topics.options)
                #expect(run.status == 2, "\(run.transcript)")
                #expect(run.stderr.contains(message), "\(run.transcript)")
            }
        }
    }
}

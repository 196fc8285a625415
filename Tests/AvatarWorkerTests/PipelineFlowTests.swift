import AvatarJobs
import AvatarWorker
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// Whole job flows through an in-process worker against Tansu and the simulator.
@Suite("Job flow through an in-process worker", .serialized)
struct PipelineFlowTests {
    @Test("valid → succeeded event and tombstone; invalid → failed with its code; unreadable → DLQ (+ failed)")
    func happyPathRejectionsAndDeadLetters() async throws {
        try await withEmbeddedBroker { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 0.3...0.5, mediaChecks: .sizeOnly)) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                let configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                try await withWorker(configuration) { worker in
                    #expect(worker.ready.httpPort > 0)
                    try await produceJobs([
                        ("ok-1", sampleJob("ok-1", extra: #","metadata":{"order":7}"#)),
                        ("bad-1", Array(#"{"job_id":"bad-1","image":"ftp://x/y.png","audio_id":"a"}"#.utf8)),
                        ("junk", Array("not json".utf8)),
                        ("broken", Array(#"{"job_id":"rescued-1","image": tru"#.utf8)),
                        (nil, nil),
                    ], to: topics.jobs, broker: broker)
                    let results = try resultEvents(try await waitForRecords(3, topic: topics.results, broker: broker))
                    let byJob = Dictionary(results.map { ($0.jobID, $0) }, uniquingKeysWith: { first, _ in first })
                    #expect(byJob["ok-1"]?.type == .succeeded)
                    #expect(byJob["ok-1"]?.videos?.isEmpty == false)
                    #expect(byJob["ok-1"]?.metadata?["order"] == .integer(7))
                    #expect(byJob["bad-1"]?.type == .failed)
                    #expect(byJob["bad-1"]?.error?.code == "url.unsupported_scheme")
                    #expect(byJob["rescued-1"]?.error?.code == "job.not_json")
                    let dead = try await waitForRecords(3, topic: topics.dlq, broker: broker)
                    #expect(Set(dead.compactMap { $0.header("error-code")?.text })
                        == ["job.not_json", "job.tombstone"])
                    #expect(dead.allSatisfy { $0.header("original-topic")?.text == topics.jobs })
                    #expect(dead.first { $0.keyText == "junk" }?.valueText == "not json")
                    let records = try await waitForRecords(3, topic: topics.results, broker: broker)
                    let succeeded = try #require(records.first { $0.keyText == "ok-1" })
                    #expect(succeeded.header("event-type")?.text == "succeeded")
                    #expect(succeeded.header("content-type")?.text == "application/json")
                    #expect(succeeded.header("traceparent")?.text?.hasPrefix("00-0af7651916cd43dd") == true)
                    let ledger = try await waitForRecords(3, topic: topics.tasks, broker: broker)
                    #expect(ledger.map { $0.value == nil } == [false, false, true])
                    #expect(simulator.stats().createsTotal == 1)
                    let metrics = PrometheusSamples(worker.service.metrics.render())
                    #expect(metrics.sum("avatar_worker_creates_total", where: ["outcome": "created"]) == 1)
                    #expect(metrics.sum("avatar_worker_dlq_messages_total") == 3)
                }
            }
        }
    }

    @Test("the group keeps a restore checkpoint: the next owner's restore reads only what was written after it")
    func restoreStartsAtTheCheckpoint() async throws {
        try await withEmbeddedBroker { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 0.2...0.3, mediaChecks: .sizeOnly)) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.restoreCheckpointInterval = .milliseconds(200)
                let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
                let reader = try KafkaPartitionReader(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
                try await withWorker(configuration) { _ in
                    try await produceJobs((1...3).map { ("cp-\($0)", sampleJob("cp-\($0)")) }, to: topics.jobs, broker: broker)
                    _ = try await waitForRecords(3, topic: topics.results, broker: broker)
                    // Each job leaves submitting, submitted and its tombstone: nothing live below the end.
                    var seen = "nothing read yet"
                    do {
                        try await waitUntil("the checkpoint reaches the ledger's end", within: .seconds(60)) {
                            // The end as a read finds it (Tansu's high watermark may lag behind).
                            let end = try await reader.read(topic: topics.tasks, partition: 0, from: KafkaOffset.beginning) { _ in }
                            let checkpoint = try await admin.committedOffsets(
                                group: configuration.group, topic: topics.tasks, partitions: [0])[0]
                            seen = "ledger end \(end), checkpoint \(checkpoint.map(String.init) ?? "none")"
                            return end == 9 && checkpoint == 9
                        }
                    } catch {
                        Issue.record("\(error): \(seen)")
                        throw error
                    }
                }
                try await withWorker(configuration) { worker in
                    try await produceJobs([("cp-4", sampleJob("cp-4"))], to: topics.jobs, broker: broker)
                    _ = try await waitForRecords(4, topic: topics.results, broker: broker)
                    let metrics = PrometheusSamples(worker.service.metrics.render())
                    #expect(metrics.sum("avatar_worker_ledger_restore_records_total") == 0,
                            "the restore started at the checkpoint, past the nine dead records")
                    #expect(simulator.stats().createsTotal == 4, "no job was created again")
                }
            }
        }
    }
}

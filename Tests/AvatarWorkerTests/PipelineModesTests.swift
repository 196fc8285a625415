import AsyncHTTPClient
import AvatarJobs
import AvatarWorker
import CometAPI
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// Exactly-once mode through an in-process worker against Tansu: real transactions (the rules themselves are the
/// core's tests and the simulation's).
@Suite("Worker modes", .serialized)
struct PipelineModesTests {
    @Test("exactly-once: results, tombstones and offsets committed in transactions, nothing auto-committed")
    func exactlyOnceRoundTrip() async throws {
        try await withEmbeddedBroker { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 0.3...0.5, mediaChecks: .sizeOnly)) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.exactlyOnce = true
                try await withWorker(configuration) { _ in
                    try await produceJobs([
                        ("eos-ok", sampleJob("eos-ok")),
                        ("eos-bad", Array(#"{"job_id":"eos-bad","image":"ftp://x/y.png","audio_id":"a"}"#.utf8)),
                        ("eos-junk", Array("[1,2]".utf8)),
                    ], to: topics.jobs, broker: broker)
                    let results = try resultEvents(try await waitForRecords(2, topic: topics.results, broker: broker))
                    #expect(Set(results.map(\.jobID)) == ["eos-ok", "eos-bad"])
                    #expect(try await waitForRecords(1, topic: topics.dlq, broker: broker).count == 1)
                    #expect(try await waitForLiveLedger(0, topic: topics.tasks, broker: broker).isEmpty)
                    let group = configuration.group
                    let committed = try await withTimeout(.seconds(20), "offset 3 committed") {
                        while true {
                            let offset = try await committedOffset(group: group, topic: topics.jobs, broker: broker)
                            if offset == 3 { return offset }
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    #expect(committed == 3)
                }
                // A second worker in the same group finds everything committed: no event is published twice.
                var second = configuration
                second.workerID = UniqueName.make("worker")
                try await withWorker(second) { _ in
                    try await produceJobs([("eos-after", sampleJob("eos-after"))], to: topics.jobs, broker: broker)
                    let results = try resultEvents(try await waitForRecords(3, topic: topics.results, broker: broker))
                    #expect(results.map(\.jobID).sorted() == ["eos-after", "eos-bad", "eos-ok"])
                }
                #expect(simulator.stats().createsTotal == 2)
            }
        }
    }
}

/// The body of `GET path` on the worker's admin server.
func adminGet(_ path: String, port: Int) async throws -> String {
    let response = try await HTTPClient.shared.execute(
        HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(5))
    return String(buffer: try await response.body.collect(upTo: 1 << 20))
}

/// The group's committed offset of partition 0 of `topic` (-1 when none).
func committedOffset(group: String, topic: String, broker: EmbeddedBroker) async throws -> Int64 {
    let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: group))
    defer { Task { await consumer.close() } }
    let partition = KafkaTopicPartition(topic: topic, partition: 0)
    return try await consumer.committedOffsets(for: [partition])[partition] ?? -1
}

/// The job ids with a live ledger record on `topic`, once there are `count` of them.
func waitForLiveLedger(
    _ count: Int, topic: String, broker: EmbeddedBroker, exactly: Bool = true
) async throws -> Set<String> {
    try await withTimeout(.seconds(30), "\(count) live ledger records") {
        while true {
            var live: Set<String> = []
            for record in try await readAll(topic: topic, broker: broker) {
                guard let key = record.keyText else { continue }
                if record.value == nil { live.remove(key) } else { live.insert(key) }
            }
            if exactly ? live.count == count : live.count >= count { return live }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}

import AsyncHTTPClient
import AvatarJobs
import AvatarWorker
import CometAPI
import CometAPISimulator
import Foundation
import Kafka
import Testing
import TestSupport

/// Exactly-once mode, deadlines, 1303 and the account gate through an in-process worker.
@Suite("Worker modes, deadlines and API pressure", .serialized)
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

    @Test("progress events, then a task still running at its total deadline fails with deadline.exceeded")
    func totalDeadline() async throws {
        try await withEmbeddedBroker { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 60...60, mediaChecks: .sizeOnly)) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                // The deadlines run from receipt: 8 s leaves a loaded machine room to record `submitting`, create
                // and record `submitted` before the submission deadline; the task runs far past the total one.
                configuration.submissionDeadline = .seconds(8)
                configuration.totalDeadline = .seconds(10)
                configuration.progressEvents = true
                try await withWorker(configuration) { _ in
                    try await produceJobs([("late", sampleJob("late"))], to: topics.jobs, broker: broker)
                    let events = try await withTimeout(.seconds(60), "a terminal event") {
                        while true {
                            let events = try resultEvents(try await readAll(topic: topics.results, broker: broker))
                            if events.contains(where: \.type.isTerminal) { return events }
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                    #expect(events.first?.type == .submitted)
                    #expect(events.filter { $0.type == .submitted }.count == 1)
                    let result = try #require(events.last)
                    #expect(result.type == .failed)
                    #expect(result.error?.code == "deadline.exceeded")
                    #expect(result.error?.message.contains("total deadline") == true)
                    #expect(result.error?.retryable == true)
                    #expect(result.taskID != nil)
                    #expect(try await waitForLiveLedger(0, topic: topics.tasks, broker: broker).isEmpty)
                }
            }
        }
    }

    @Test("1303 halves the partition's in-flight limit and the job is retried; the account gate holds and probes")
    func throttlingAndAccountGate() async throws {
        try await withEmbeddedBroker { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 0.2...0.3, mediaChecks: .sizeOnly)) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.fleetInFlightCap = 4
                simulator.enqueueFault(.throttle1303, route: .create, count: 1)
                try await withWorker(configuration) { worker in
                    try await produceJobs([("throttled", sampleJob("throttled"))], to: topics.jobs, broker: broker)
                    _ = try await waitForRecords(1, topic: topics.results, broker: broker)
                    let status = try await adminGet("/status", port: worker.ready.httpPort)
                    let parsed = try JSONDecoder().decode(WorkerStatus.self, from: Data(status.utf8))
                    #expect(parsed.partitions.first?.inFlightLimit == 2)
                    simulator.enqueueFault(.account1102, route: .create, count: 1)
                    try await produceJobs([("held", sampleJob("held"))], to: topics.jobs, broker: broker)
                    let results = try resultEvents(try await waitForRecords(2, topic: topics.results, broker: broker))
                    #expect(results.allSatisfy { $0.type == .succeeded })
                    let metrics = PrometheusSamples(try await adminGet("/metrics", port: worker.ready.httpPort))
                    #expect(metrics.sum("avatar_worker_api_errors_total", where: ["kind": "throttled"]) == 1)
                    #expect(metrics.sum("avatar_worker_api_errors_total", where: ["kind": "account"]) == 1)
                    // Counted once the publisher has the acks, which can be just after the records are readable.
                    #expect(try await eventually {
                        let metrics = PrometheusSamples(try await adminGet("/metrics", port: worker.ready.httpPort))
                        return metrics.sum("avatar_worker_results_published_total", where: ["type": "succeeded"]) == 2
                    })
                    #expect(try await adminGet("/readyz", port: worker.ready.httpPort) == "ready\n")
                }
                #expect(simulator.stats().createsTotal == 2)
                #expect(simulator.stats().createRequestsTotal == 4)
            }
        }
    }
}

extension PipelineModesTests {
    @Test("a partition holding its share of the fleet cap is paused and resumed when a slot frees")
    func fleetCapPausesThePartition() async throws {
        try await withEmbeddedBroker { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 1.5...1.5, mediaChecks: .sizeOnly)) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.fleetInFlightCap = 1
                try await withWorker(configuration) { worker in
                    try await produceJobs(
                        [("capped-1", sampleJob("capped-1")), ("capped-2", sampleJob("capped-2"))],
                        to: topics.jobs, broker: broker)
                    let held = try await withTimeout(.seconds(20), "the partition paused at its share") {
                        while true {
                            if let partition = worker.service.status?.partitions.first,
                               partition.pausedForCapacity, partition.tasksInFlight == 1
                            {
                                return partition
                            }
                            try await Task.sleep(for: .milliseconds(20))
                        }
                    }
                    #expect(held.inFlightLimit == 1)
                    let results = try resultEvents(try await waitForRecords(2, topic: topics.results, broker: broker))
                    #expect(results.allSatisfy { $0.type == .succeeded })
                    // The second job came in the same fetched batch; it waited instead of overshooting the cap: its task
                    // was created only after the first job's result freed the slot.
                    let first = try #require(results.first { $0.jobID == "capped-1" })
                    let second = try #require(results.first { $0.jobID == "capped-2" })
                    #expect(try #require(second.submittedAt) >= first.occurredAt)
                    #expect(worker.service.status?.partitions.first?.pausedForCapacity == false)
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

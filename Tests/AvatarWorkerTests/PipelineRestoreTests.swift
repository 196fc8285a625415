import AvatarJobs
import AvatarWorker
import CometAPI
import CometAPISimulator
import Foundation
import Kafka
import Testing
import TestSupport

/// Restore on assignment, reconciliation of `submitting` records, and tombstones held back until the commit.
@Suite("Ledger restore and tombstone ordering", .serialized)
struct PipelineRestoreTests {
    @Test("restored records resume polling or are reconciled; redelivered jobs are never created again")
    func restoreOnAssign() async throws {
        try await withEmbeddedBroker { broker in
            let simulatorConfiguration = SimulatorConfiguration(
                taskSeconds: 0.3...0.5, allowsQueryByExternalTaskID: true, mediaChecks: .sizeOnly)
            try await withSimulator(simulatorConfiguration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                let jobIDs = ["was-submitted", "was-submitting-created", "was-submitting-lost"]
                let validated = try jobIDs.map { try JobValidator().validate(sampleJob($0)).get() }
                // The previous owner's state: two tasks really exist; the third create never reached the API.
                let existing = try await withClient(for: simulator) { client in
                    try await [validated[0], validated[1]].asyncMap { job in
                        try await client.createAvatarTask(AvatarTaskRequest(
                            image: job.job.image.apiValue, speech: .audioID("tts-123"),
                            externalTaskID: job.externalTaskID(attempt: 1))).taskID
                    }
                }
                let worker = AvatarResultEvent.WorkerInfo(id: "crashed-worker")
                let now = Date()
                var records: [KafkaProducerMessage] = []
                for (offset, job) in validated.enumerated() {
                    var record = AvatarTaskRecord(
                        submitting: job, attempt: 1, partition: 0, offset: Int64(offset), now: now,
                        submitDeadline: now.addingTimeInterval(600), traceparent: nil, worker: worker)
                    if offset == 0 { record = record.submitted(taskID: existing[0], at: now) }
                    records.append(KafkaProducerMessage(
                        topic: topics.tasks, partition: 0, key: Array(record.jobID.utf8), value: try record.encoded()))
                }
                let producer = try KafkaProducer(configuration: broker.producerConfiguration())
                for record in records { _ = try await producer.send(record) }
                await producer.close()
                try await produceJobs(jobIDs.map { ($0, sampleJob($0)) }, to: topics.jobs, broker: broker)

                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.ambiguousSubmission = .reconcileThenFail
                configuration.queryByExternalTaskID = true
                try await withWorker(configuration) { _ in
                    let results = try resultEvents(try await waitForRecords(3, topic: topics.results, broker: broker))
                    let byJob = Dictionary(results.map { ($0.jobID, $0) }, uniquingKeysWith: { first, _ in first })
                    #expect(byJob["was-submitted"]?.type == .succeeded)
                    #expect(byJob["was-submitted"]?.taskID == existing[0])
                    #expect(byJob["was-submitting-created"]?.type == .succeeded)
                    #expect(byJob["was-submitting-created"]?.taskID == existing[1])
                    #expect(byJob["was-submitting-lost"]?.error?.code == "submission.ambiguous")
                    #expect(simulator.stats().createsTotal == 2)
                    #expect(simulator.stats().doubleBilledExternalTaskIDs.isEmpty)
                    let ledger = try await waitForLiveLedger(0, topic: topics.tasks, broker: broker)
                    #expect(ledger.isEmpty)
                }
            }
        }
    }

    @Test("a finished job's tombstone waits until its offset is committed behind an earlier job still creating")
    func tombstoneAfterCommit() async throws {
        try await withEmbeddedBroker { broker in
            let simulatorConfiguration = SimulatorConfiguration(
                taskSeconds: 0.2...0.3, slowResponseDelay: .seconds(4), mediaChecks: .sizeOnly)
            try await withSimulator(simulatorConfiguration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                let configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                simulator.enqueueFault(.slow, route: .create, count: 1)
                try await withWorker(configuration) { _ in
                    try await produceJobs([("slow-first", sampleJob("slow-first"))], to: topics.jobs, broker: broker)
                    try await withTimeout(.seconds(20), "the slow create to arrive") {
                        while simulator.stats().createRequestsTotal < 1 { try await Task.sleep(for: .milliseconds(20)) }
                    }
                    try await produceJobs([("fast-second", sampleJob("fast-second"))], to: topics.jobs, broker: broker)
                    let first = try resultEvents(try await waitForRecords(1, topic: topics.results, broker: broker))
                    #expect(first.map(\.jobID) == ["fast-second"])
                    // Offset 1 is done but offset 0 is still creating: nothing past offset 0 can be committed, so the
                    // finished job keeps its ledger record (a crash now redelivers it and the ledger catches it).
                    let live = try await waitForLiveLedger(2, topic: topics.tasks, broker: broker, exactly: false)
                    #expect(live.contains("fast-second"))
                    let both = try resultEvents(try await waitForRecords(2, topic: topics.results, broker: broker))
                    #expect(Set(both.map(\.jobID)) == ["slow-first", "fast-second"])
                    #expect(try await waitForLiveLedger(0, topic: topics.tasks, broker: broker).isEmpty)
                }
            }
        }
    }
}

/// Waits until the ledger folds to `count` live jobs (or at least `count` when `exactly` is false); returns them.
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

extension Array {
    /// `map` with an async transform, in order.
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}

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
            // The first create is answered after 8 s: a wide window for the second job to finish in, even on a loaded
            // machine. Whether it did is checked from the records' own timestamps, not from when the test looks.
            let simulatorConfiguration = SimulatorConfiguration(
                taskSeconds: 0.2...0.3, slowResponseDelay: .seconds(8), mediaChecks: .sizeOnly)
            try await withSimulator(simulatorConfiguration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.apiRequestTimeout = .seconds(30)
                simulator.enqueueFault(.slow, route: .create, count: 1)
                try await withWorker(configuration) { _ in
                    try await produceJobs([("slow-first", sampleJob("slow-first"))], to: topics.jobs, broker: broker)
                    try await waitForCreateRequest(on: simulator, "the slow create to arrive")
                    try await produceJobs([("fast-second", sampleJob("fast-second"))], to: topics.jobs, broker: broker)
                    let results = try resultEvents(try await waitForRecords(2, topic: topics.results, broker: broker))
                    #expect(results.map(\.jobID) == ["fast-second", "slow-first"])
                    #expect(results.map(\.type) == [.succeeded, .succeeded])
                    #expect(try await waitForLiveLedger(0, topic: topics.tasks, broker: broker).isEmpty)

                    // The ledger is one partition, so its order is the order of the writes.
                    let ledger = try await readAll(topic: topics.tasks, broker: broker)
                    let slowSubmitted = try #require(ledger.firstIndex { record in
                        guard record.keyText == "slow-first", let value = record.value else { return false }
                        return (try? AvatarTaskRecord.decode(value))?.state == .submitted
                    })
                    let fastTombstone = try #require(
                        ledger.firstIndex { $0.keyText == "fast-second" && $0.value == nil })
                    let slowRecord = try AvatarTaskRecord.decode(try #require(ledger[slowSubmitted].value))
                    let slowSubmittedAt = try #require(slowRecord.submittedAt)
                    // The case under test arose: offset 1 finished while offset 0 was still creating, so nothing past
                    // offset 0 could be committed yet.
                    #expect(results[0].occurredAt < slowSubmittedAt)
                    // Its tombstone still waited for offset 0 to become durable and be committed: a crash in between
                    // redelivers offset 1, and its ledger record is what stops a second create.
                    #expect(fastTombstone > slowSubmitted)
                }
            }
        }
    }
}

extension PipelineRestoreTests {
    @Test("graceful shutdown lets a create in flight record submitted; the next worker polls it without a second create")
    func drainHandsBackInFlightWork() async throws {
        try await withEmbeddedBroker { broker in
            let simulatorConfiguration = SimulatorConfiguration(
                taskSeconds: 0.5...0.5, slowResponseDelay: .seconds(2), mediaChecks: .sizeOnly)
            try await withSimulator(simulatorConfiguration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                // The create is answered after 2 s; the drain and request deadlines leave a loaded machine room.
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.drainDeadline = .seconds(20)
                configuration.apiRequestTimeout = .seconds(20)
                simulator.enqueueFault(.slow, route: .create, count: 1)
                try await withWorker(configuration) { worker in
                    try await produceJobs([("draining", sampleJob("draining"))], to: topics.jobs, broker: broker)
                    try await waitForCreateRequest(on: simulator, "the slow create to arrive")
                    await worker.service.shutdown()
                }
                try await expectHandedOverAsSubmitted(configuration, topics: topics, broker: broker)
                #expect(simulator.stats().createsTotal == 1)
                #expect(simulator.stats().createRequestsTotal == 1)
            }
        }
    }
}

extension PipelineRestoreTests {
    @Test("graceful shutdown waits for a create due again after a 429: the next worker polls it instead of failing it")
    func drainFinishesARetryDue() async throws {
        try await withEmbeddedBroker { broker in
            // The first create is refused with 429 (code 1302) and `Retry-After: 5`: the job waits for its retry with
            // a `submitting` record in the ledger and no task behind it when shutdown begins.
            let simulatorConfiguration = SimulatorConfiguration(
                taskSeconds: 0.5...0.5, retryAfterSeconds: 5, mediaChecks: .sizeOnly)
            try await withSimulator(simulatorConfiguration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.drainDeadline = .seconds(30)
                simulator.enqueueFault(.throttle1302, route: .create, count: 1)
                try await withWorker(configuration) { worker in
                    try await produceJobs([("retry-due", sampleJob("retry-due"))], to: topics.jobs, broker: broker)
                    try await waitForCreateRequest(on: simulator, "the throttled create to be answered")
                    #expect(simulator.stats().createRequestsTotal == 1, "shutdown must begin before the retry")
                    await worker.service.shutdown()
                }
                // The drain waited for the retry, which created the task and recorded it.
                #expect(simulator.stats().createRequestsTotal == 2)
                try await expectHandedOverAsSubmitted(configuration, topics: topics, broker: broker)
                #expect(simulator.stats().createsTotal == 1)
            }
        }
    }
}

extension PipelineRestoreTests {
    @Test("graceful shutdown withdraws a job held by the account gate: the next worker submits it as new, once")
    func drainWithdrawsAHeldJob() async throws {
        try await withEmbeddedBroker { broker in
            let simulatorConfiguration = SimulatorConfiguration(taskSeconds: 0.3...0.3, mediaChecks: .sizeOnly)
            try await withSimulator(simulatorConfiguration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                // No probe during the test: the job stays held, its `submitting` record the only trace of it.
                configuration.accountProbeInterval = .seconds(300)
                simulator.enqueueFault(.account1102, route: .create, count: 1)
                try await withWorker(configuration) { worker in
                    try await produceJobs([("held", sampleJob("held"))], to: topics.jobs, broker: broker)
                    try await waitForCreateRequest(on: simulator, "the refused create")
                    await worker.service.shutdown()
                }
                let ledger = try await readAll(topic: topics.tasks, broker: broker)
                #expect(ledger.map(\.keyText) == ["held", "held"])
                #expect(ledger.last?.value == nil, "the submitting record is withdrawn by a tombstone")
                try await expectNextWorkerSucceeds(configuration, topics: topics, broker: broker)
                #expect(simulator.stats().createRequestsTotal == 2)
                #expect(simulator.stats().createsTotal == 1)
            }
        }
    }
}

extension PipelineRestoreTests {
    @Test("a partition lost in a broker stall comes back: a job no create had left for starts afresh, not ambiguous")
    func lostPartitionKeepsUnsentJobsUnambiguous() async throws {
        try await withEmbeddedBroker { broker in
            // The first create is refused with 429 (code 1302) and `Retry-After: 300`: the job sits waiting for its
            // retry, its `submitting` record in the ledger and no task behind it, while the broker stalls.
            let simulatorConfiguration = SimulatorConfiguration(
                taskSeconds: 0.3...0.3, retryAfterSeconds: 300, mediaChecks: .sizeOnly)
            try await withSimulator(simulatorConfiguration) { simulator in
                let topics = try await WorkerTopics.create(on: broker)
                let configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                #expect(configuration.ambiguousSubmission == .fail)
                simulator.enqueueFault(.throttle1302, route: .create, count: 1)
                try await withWorker(configuration) { _ in
                    try await produceJobs([("stalled", sampleJob("stalled"))], to: topics.jobs, broker: broker)
                    try await waitForCreateRequest(on: simulator, "the throttled create to be answered")
                    // Longer than the 6 s session: the consumer declares its partition lost, drops the job, and gets
                    // the partition back once the broker answers again.
                    try broker.pause()
                    do {
                        try await Task.sleep(for: .seconds(10))
                        try broker.resume()
                    } catch {
                        try? broker.resume()
                        throw error
                    }
                    let results = try resultEvents(
                        try await waitForRecords(1, topic: topics.results, broker: broker, within: .seconds(90)))
                    #expect(results.map(\.type) == [.succeeded], "\(results.map { $0.error?.code ?? "-" })")
                    #expect(try await waitForLiveLedger(0, topic: topics.tasks, broker: broker).isEmpty)
                }
                // The retry due in 300 s never ran: the job was restarted by the restore, and created once.
                #expect(simulator.stats().createRequestsTotal == 2)
                #expect(simulator.stats().createsTotal == 1)
            }
        }
    }
}

/// Waits until the simulator has received a first create request.
func waitForCreateRequest(on simulator: CometAPISimulator, _ what: String) async throws {
    try await withTimeout(.seconds(20), what) {
        while simulator.stats().createRequestsTotal < 1 { try await Task.sleep(for: .milliseconds(20)) }
    }
}

/// After a graceful shutdown with one job in hand: the ledger ends with its `submitted` record, and a next worker
/// polls that task to success.
func expectHandedOverAsSubmitted(
    _ configuration: WorkerConfiguration, topics: WorkerTopics, broker: EmbeddedBroker
) async throws {
    let ledger = try await readAll(topic: topics.tasks, broker: broker)
    let last = try AvatarTaskRecord.decode(try #require(ledger.last?.value))
    #expect(last.state == .submitted)
    let result = try await expectNextWorkerSucceeds(configuration, topics: topics, broker: broker)
    #expect(result?.taskID == last.taskID)
}

/// Runs a next worker (a new worker id, the same group) until the results topic holds one event, which must be a
/// success; returns it.
@discardableResult
func expectNextWorkerSucceeds(
    _ configuration: WorkerConfiguration, topics: WorkerTopics, broker: EmbeddedBroker
) async throws -> AvatarResultEvent? {
    var next = configuration
    next.workerID = UniqueName.make("worker")
    return try await withWorker(next) { _ in
        let results = try resultEvents(try await waitForRecords(1, topic: topics.results, broker: broker))
        #expect(results.map(\.type) == [.succeeded], "\(results.map { $0.error?.code ?? "-" })")
        return results.first
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

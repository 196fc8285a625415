import AvatarJobs
import AvatarWorker
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Logging
import TestSupport

/// The four topics of one in-process worker test, created with unique names on the embedded broker.
public struct WorkerTopics: Sendable {
    /// Jobs topic.
    public let jobs: String
    /// Task-ledger topic (compacted).
    public let tasks: String
    /// Results topic.
    public let results: String
    /// DLQ topic.
    public let dlq: String

    /// Creates the topics with `partitions` partitions each.
    public static func create(on broker: EmbeddedBroker, partitions: Int32 = 1) async throws -> WorkerTopics {
        let topics = WorkerTopics(
            jobs: UniqueName.make("jobs"), tasks: UniqueName.make("tasks"), results: UniqueName.make("results"),
            dlq: UniqueName.make("dlq"))
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
        _ = try await admin.createTopics([
            KafkaTopicSpecification(name: topics.jobs, partitions: partitions),
            KafkaTopicSpecification(name: topics.tasks, partitions: partitions, configs: ["cleanup.policy": "compact"]),
            KafkaTopicSpecification(name: topics.results, partitions: partitions),
            KafkaTopicSpecification(name: topics.dlq, partitions: partitions),
        ])
        return topics
    }
}

/// A worker configuration for tests: the broker, the simulator, the topics, short intervals and deadlines.
public func testWorkerConfiguration(
    broker: EmbeddedBroker, simulator: CometAPISimulator, topics: WorkerTopics
) throws -> WorkerConfiguration {
    var flags = [
        "brokers": broker.bootstrapServers, "group": UniqueName.make("workers"), "jobs-topic": topics.jobs,
        "tasks-topic": topics.tasks, "results-topic": topics.results, "dlq-topic": topics.dlq,
        "api-base-url": simulator.baseURL?.absoluteString ?? "http://127.0.0.1:1", "http-port": "0",
        "first-poll-delay-std": "200ms", "first-poll-delay-pro": "200ms", "poll-interval": "200ms",
        "poll-slow-interval": "1s", "commit-interval": "100ms", "account-probe-interval": "500ms",
        "api-request-timeout": "30s", "drain-deadline": "5s", "worker-id": UniqueName.make("worker"),
        "kafka.session.timeout.ms": "6000", "kafka.heartbeat.interval.ms": "500",
    ]
    flags["fleet-in-flight-cap"] = "20"
    return try WorkerConfiguration.load(flags: flags, environment: ["COMETAPI_KEY": "test-key-0123456789"])
}

/// A worker running in this process, started by ``withWorker(_:_:)``.
public struct RunningWorker: Sendable {
    /// The worker.
    public let service: AvatarWorkerService
    /// What it reported when it became ready.
    public let ready: AvatarWorkerService.Ready
}

/// Runs `body` with a started in-process worker and always shuts it down gracefully afterwards; it logs to `logger`
/// (default: warnings and worse to stderr).
public func withWorker<T: Sendable>(
    _ configuration: WorkerConfiguration, logger: Logger? = nil, _ body: (RunningWorker) async throws -> T
) async throws -> T {
    let logger = logger ?? {
        var quiet = Logger(label: "test-worker")
        quiet.logLevel = .warning
        return quiet
    }()
    let service = AvatarWorkerService(configuration: configuration, handleSignals: false, logger: logger)
    let (readyStream, readyContinuation) = AsyncStream<AvatarWorkerService.Ready>.makeStream()
    let run = Task {
        defer { readyContinuation.finish() }
        try await service.run { readyContinuation.yield($0) }
    }
    var iterator = readyStream.makeAsyncIterator()
    guard let ready = await iterator.next() else {
        try await run.value
        throw TestTimeout(what: "worker ready line (the worker ended first)", limit: .zero)
    }
    do {
        let result = try await body(RunningWorker(service: service, ready: ready))
        await service.shutdown()
        try await run.value
        return result
    } catch {
        await service.shutdown()
        _ = try? await run.value
        throw error
    }
}

/// Produces job messages (key `job_id`) to the jobs topic.
public func produceJobs(_ jobs: [(key: String?, value: [UInt8]?)], to topic: String, broker: EmbeddedBroker) async throws {
    let producer = try KafkaProducer(configuration: broker.producerConfiguration())
    for job in jobs {
        _ = try await producer.send(KafkaProducerMessage(
            topic: topic, key: job.key.map { Array($0.utf8) }, value: job.value,
            headers: [KafkaHeader(name: "traceparent", text: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]))
    }
    await producer.close()
}

/// A minimal valid job: a URL image and a TTS audio id, plus any extra fields.
public func sampleJob(_ jobID: String, extra: String = "") -> [UInt8] {
    Array(#"{"job_id":"\#(jobID)","image":"https://example.com/portrait.png","audio_id":"tts-123"\#(extra)}"#.utf8)
}

/// Reads the result events published so far, decoded, with their Kafka headers.
public func readAll(topic: String, partitions: Int32 = 1, broker: EmbeddedBroker) async throws -> [KafkaConsumerMessage] {
    let reader = try KafkaPartitionReader(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
    var records: [KafkaConsumerMessage] = []
    for partition in 0..<partitions {
        _ = try await reader.read(topic: topic, partition: partition, from: KafkaOffset.beginning) { records += $0 }
    }
    return records
}

/// Waits until `topic` holds at least `count` records (read from the start, every 100 ms) and returns them.
public func waitForRecords(
    _ count: Int, topic: String, partitions: Int32 = 1, broker: EmbeddedBroker, within limit: Duration = .seconds(60)
) async throws -> [KafkaConsumerMessage] {
    var records: [KafkaConsumerMessage] = []
    try await waitUntil("\(count) records on \(topic)", within: limit, checkingEvery: .milliseconds(100)) {
        records = try await readAll(topic: topic, partitions: partitions, broker: broker)
        return records.count >= count
    }
    return records
}

/// The result events among `records`, decoded.
public func resultEvents(_ records: [KafkaConsumerMessage]) throws -> [AvatarResultEvent] {
    try records.compactMap { $0.value }.map { try ContractCoding.decodeEvent($0) }
}

import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import TestSupport

/// What every end-to-end test runs against: its own Tansu broker, an in-process CometAPI simulator, the four topics
/// (unique names, few partitions) created by `avatar-worker topics create`, and a consumer group of its own; plus the
/// worker flags that make a test fast (1 s polls, 6 s session timeout). Tests may run in parallel: nothing is shared.
public struct EndToEndStack: Sendable {
    /// The broker.
    public let broker: EmbeddedBroker
    /// The simulated API (its stats are the double-billing detector).
    public let simulator: CometAPISimulator
    /// Partitions of each topic.
    public let partitions: Int
    /// The group every worker of this test joins.
    public let group: String
    /// Topic names.
    public let jobsTopic: String, tasksTopic: String, resultsTopic: String, dlqTopic: String

    /// Runs `body` with a fresh stack, stopping the simulator and the broker afterwards (also when `body` throws).
    public static func with<T: Sendable>(
        partitions: Int = 3, simulator configuration: SimulatorConfiguration = fastSimulator(),
        _ body: (EndToEndStack) async throws -> T
    ) async throws -> T {
        try await withEmbeddedBroker { broker in
            try await withSimulator(configuration) { simulator in
                let stack = EndToEndStack(broker: broker, simulator: simulator, partitions: partitions)
                try await WorkerProcess.runCommand([
                    "topics", "create", "--brokers", broker.bootstrapServers, "--partitions", "\(partitions)",
                    "--jobs-topic", stack.jobsTopic, "--tasks-topic", stack.tasksTopic,
                    "--results-topic", stack.resultsTopic, "--dlq-topic", stack.dlqTopic,
                ])
                return try await body(stack)
            }
        }
    }

    /// A simulator with short tasks (1–2 s), optionally answering queries by `external_task_id`.
    public static func fastSimulator(queryByExternalID: Bool = false) -> SimulatorConfiguration {
        SimulatorConfiguration(taskSeconds: 1...2, allowsQueryByExternalTaskID: queryByExternalID)
    }

    private init(broker: EmbeddedBroker, simulator: CometAPISimulator, partitions: Int) {
        self.broker = broker
        self.simulator = simulator
        self.partitions = partitions
        let prefix = UniqueName.make("e2e")
        group = "\(prefix)-workers"
        jobsTopic = "\(prefix).jobs"
        tasksTopic = "\(prefix).tasks"
        resultsTopic = "\(prefix).results"
        dlqTopic = "\(prefix).jobs.dlq"
    }

    /// The `run` flags for this stack: brokers, group, topics, the simulator, any free admin port, fast polling, a
    /// generous in-flight cap and poll budget, and the 6 s session timeout Tansu wants; `extra` comes last.
    public func workerArguments(_ extra: [String] = []) -> [String] {
        [
            "--brokers", broker.bootstrapServers, "--group", group,
            "--jobs-topic", jobsTopic, "--tasks-topic", tasksTopic, "--results-topic", resultsTopic, "--dlq-topic", dlqTopic,
            "--api-base-url", simulator.baseURL?.absoluteString ?? "http://127.0.0.1:1",
            "--http-port", "0",
            "--first-poll-delay-std", "1s", "--first-poll-delay-pro", "1s", "--poll-interval", "1s",
            "--fleet-in-flight-cap", "200", "--poll-requests-per-second", "500", "--poll-burst", "200",
            "--drain-deadline", "10s",
            "--kafka", "session.timeout.ms=6000", "--kafka", "heartbeat.interval.ms=1000",
            "--log-format", "text",
        ] + extra
    }

    /// Starts a worker on this stack (see ``workerArguments(_:)``), optionally with a failpoint.
    public func startWorker(_ extra: [String] = [], failpoint: String? = nil) async throws -> WorkerProcess {
        try await WorkerProcess.start(workerArguments(extra), failpoint: failpoint)
    }

    /// A collector following this stack's results topic from its beginning.
    public func resultCollector() async -> ResultCollector {
        await ResultCollector(bootstrapServers: broker.bootstrapServers, topic: resultsTopic)
    }

    /// Produces `jobs` to the jobs topic keyed by `job_id`, waiting for every acknowledgement.
    public func produce(_ jobs: [EndToEndJobs.Job]) async throws {
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        let outcomes = await producer.sendAll(jobs.map {
            KafkaProducerMessage(topic: jobsTopic, key: Array($0.jobID.utf8), value: $0.bytes)
        })
        await producer.close(timeout: .seconds(10))
        for outcome in outcomes { _ = try outcome.get() }
    }

    /// Produces raw bytes (e.g. not JSON) to the jobs topic with `key`.
    public func produceRaw(_ value: [UInt8], key: String?) async throws {
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        _ = try await producer.send(KafkaProducerMessage(topic: jobsTopic, key: key.map { Array($0.utf8) }, value: value))
        await producer.close(timeout: .seconds(10))
    }

    /// Every record on the dead-letter topic so far.
    public func deadLetters() async throws -> [KafkaConsumerMessage] {
        let tail = KafkaTopicTail(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]), topic: dlqTopic)
        var records: [KafkaConsumerMessage] = []
        for try await record in tail.records() { records.append(record) }
        return records
    }

    /// Breaches of "each valid job created exactly once" in the simulator's stats: a task created twice, a total
    /// different from `validCount`.
    public func creationViolations(validCount: Int) -> [String] {
        let stats = simulator.stats()
        var violations = stats.doubleBilledExternalTaskIDs.map { "created more than once: \($0)" }
        if stats.createsTotal != validCount || stats.createsByExternalTaskID.count != validCount {
            violations.append(
                "\(stats.createsTotal) tasks created for \(stats.createsByExternalTaskID.count) external ids; expected \(validCount)")
        }
        return violations
    }
}

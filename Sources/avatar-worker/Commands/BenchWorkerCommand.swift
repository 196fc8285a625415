import ArgumentParser
import AvatarWorker
import CometAPI
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Logging

/// `avatar-worker bench worker`: jobs per second through the whole worker (Kafka in, ledger, create, poll, result,
/// commit, tombstone) on the embedded broker and an in-process simulator with instant tasks, beside the baseline of
/// the same jobs driven straight through the CometAPI client (create, then query until done) at the same concurrency.
/// The ratio is the share of the bare API rate the durable pipeline keeps.
struct BenchWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Jobs/s through the whole worker vs the same jobs straight through the CometAPI client.")

    @Option(help: "Jobs per phase.")
    var jobs = 500

    @Option(help: "Partitions of the jobs topic.")
    var partitions: Int32 = 4

    @Option(help: "Create calls in flight at once (both phases).")
    var concurrency = 16

    func validate() throws {
        guard jobs > 0, partitions > 0, concurrency > 0 else { throw ValidationError("all values must be positive") }
    }

    func run() async throws {
        var logger = Logger(label: "bench-worker")
        logger.logLevel = .error
        let broker = try await EmbeddedBroker.start(logger: logger)
        let simulator = CometAPISimulator(
            configuration: SimulatorConfiguration(taskSeconds: 0...0, callbacksEnabled: false, mediaChecks: .sizeOnly),
            logger: logger)
        do {
            let port = try await simulator.start()
            let baseURL = URL(string: "http://127.0.0.1:\(port)")!
            let baseline = try await measureClient(baseURL: baseURL, logger: logger)
            let worker = try await measureWorker(broker: broker, baseURL: baseURL, logger: logger)
            print(String(format: "baseline (client only): %d jobs in %.2f s = %.1f jobs/s", jobs, baseline, Double(jobs) / baseline))
            print(String(format: "worker (end to end):    %d jobs in %.2f s = %.1f jobs/s", jobs, worker, Double(jobs) / worker))
            print(String(format: "ratio worker/baseline:  %.2f", baseline / worker))
            await simulator.stop()
            await broker.stop()
        } catch {
            await simulator.stop()
            await broker.stop()
            throw error
        }
    }

    /// Seconds for `jobs` create+query-until-done cycles through the client, `concurrency` at a time.
    private func measureClient(baseURL: URL, logger: Logger) async throws -> Double {
        let client = try CometAPIClient(
            configuration: CometAPIConfiguration(apiKey: try APIKey("bench-key"), baseURL: baseURL), logger: logger)
        let start = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<concurrency {
                group.addTask {
                    for index in stride(from: lane, to: jobs, by: concurrency) {
                        let created = try await client.createAvatarTask(AvatarTaskRequest(
                            image: "https://example.com/portrait.png", speech: .audioID("tts-123"),
                            externalTaskID: "baseline-\(index)"))
                        while try await client.queryAvatarTask(taskID: created.taskID).status.isTerminal == false {}
                    }
                }
            }
            try await group.waitForAll()
        }
        let elapsed = start.duration(to: .now)
        try await client.shutdown()
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }

    /// Seconds from producing `jobs` jobs (to a worker that is ready) to reading their `jobs` terminal events.
    private func measureWorker(broker: EmbeddedBroker, baseURL: URL, logger: Logger) async throws -> Double {
        let suffix = UUID().uuidString.prefix(8)
        let topics = ["jobs", "tasks", "results", "dlq"].map { "bench-\($0)-\(suffix)" }
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
        _ = try await admin.createTopics(topics.map {
            KafkaTopicSpecification(
                name: $0, partitions: partitions, configs: $0.contains("tasks") ? ["cleanup.policy": "compact"] : [:])
        })
        let configuration = try WorkerConfiguration.load(flags: [
            "brokers": broker.bootstrapServers, "group": "bench-\(suffix)", "jobs-topic": topics[0], "tasks-topic": topics[1],
            "results-topic": topics[2], "dlq-topic": topics[3], "api-base-url": baseURL.absoluteString, "http-port": "0",
            "first-poll-delay-std": "10ms", "poll-interval": "20ms", "poll-requests-per-second": "100000",
            "poll-burst": "1000", "max-concurrent-polls": String(concurrency), "commit-interval": "50ms",
            "fleet-in-flight-cap": String(max(Int(partitions), jobs)), "max-concurrent-creates": String(concurrency),
            "kafka.session.timeout.ms": "6000",
        ], environment: ["COMETAPI_KEY": "bench-key"])
        let results = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: "bench-results-\(suffix)")
            .merging(["session.timeout.ms": "6000"]), logger: logger)
        try results.subscribe(topics: [topics[2]])
        let worker = AvatarWorkerService(configuration: configuration, handleSignals: false, logger: logger)
        let running = Task { try await worker.run() }
        while !worker.isReady { try await Task.sleep(for: .milliseconds(20)) }
        let producer = try KafkaProducer(configuration: broker.producerConfiguration(), logger: logger)
        let start = ContinuousClock.now
        _ = await producer.sendAll((0..<jobs).map { index in
            KafkaProducerMessage(
                topic: topics[0], key: "job-\(index)",
                value: #"{"job_id":"job-\#(index)","image":"https://example.com/portrait.png","audio_id":"tts-123"}"#)
        })
        var terminal = 0
        for try await message in results.messages where message.header("event-type")?.text != "submitted" {
            terminal += 1
            if terminal == jobs { break }
        }
        let elapsed = start.duration(to: .now)
        await worker.shutdown()
        try await running.value
        await results.close()
        await producer.close()
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
    }
}

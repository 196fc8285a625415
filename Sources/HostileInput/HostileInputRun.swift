import AvatarJobs
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Logging

/// The mutation fuzzer against a running worker: an embedded Tansu broker, an in-process CometAPI simulator with
/// instant tasks, the four topics, and one `avatar-worker run` child process; then `messages` hostile messages
/// (``JobMutator``) produced to the jobs topic while the results and the DLQ are followed.
///
/// It checks that the worker never crashes or stalls, that every message ends as a typed `failed` event, a DLQ entry
/// or (when the mutation left the job valid) a `succeeded` event, that the group's committed offsets reach the end
/// of every partition, that no valid job is created twice, that the worker still shuts down cleanly, and that its
/// resident memory stays flat (``MemorySamples``). Everything it starts is stopped before it returns.
public struct HostileInputRun: Sendable {
    /// What to run.
    public struct Options: Sendable {
        /// Messages to produce.
        public var messages: Int
        /// The seed of the mutations (printed by the report; the same seed produces the same messages).
        public var seed: UInt64
        /// The `avatar-worker` executable run as `topics create` and `run`.
        public var workerExecutable: String
        /// Partitions of the jobs topic.
        public var partitions = 4
        /// `--max-message-bytes` of the worker; some messages are made just above it, a few far above.
        public var maxMessageBytes = 256 * 1024
        /// Most messages produced but not yet settled; keeps the run near the worker's steady state.
        public var window = 4000
        /// A stall: this long without any message settling while some are outstanding.
        public var stallLimit: Duration = .seconds(60)
        /// Memory growth allowed from the first sample after warm-up to the last (see ``MemorySamples``).
        public var allowedMemoryGrowth = 128 * 1024 * 1024
        /// Where the worker's stdout and stderr go.
        public var outputDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-fuzz-\(getpid())")

        /// Options with the defaults above.
        public init(messages: Int, seed: UInt64, workerExecutable: String) {
            self.messages = messages
            self.seed = seed
            self.workerExecutable = workerExecutable
        }
    }

    /// What to run.
    public let options: Options

    public init(options: Options) { self.options = options }

    /// Runs it; `progress` receives a line now and then. Throws only when the stack cannot be set up; breaches of
    /// the checks are in the report's ``HostileInputReport/violations``.
    public func run(progress: @escaping @Sendable (String) -> Void = { _ in }) async throws -> HostileInputReport {
        var logger = Logger(label: "fuzz")
        logger.logLevel = .error
        try FileManager.default.createDirectory(at: options.outputDirectory, withIntermediateDirectories: true)
        let broker = try await EmbeddedBroker.start(logger: logger)
        let simulator = CometAPISimulator(
            configuration: SimulatorConfiguration(taskSeconds: 0...0, callbacksEnabled: false), logger: logger)
        do {
            _ = try await simulator.start()
            let report = try await run(broker: broker, simulator: simulator, logger: logger, progress: progress)
            await simulator.stop()
            await broker.stop()
            return report
        } catch {
            await simulator.stop()
            await broker.stop()
            throw error
        }
    }

    private func run(
        broker: EmbeddedBroker, simulator: CometAPISimulator, logger: Logger, progress: @escaping @Sendable (String) -> Void
    ) async throws -> HostileInputReport {
        let topics = HostileTopics(prefix: "fuzz-\(options.seed)-\(UUID().uuidString.prefix(6))")
        try await runToCompletion(["topics", "create", "--brokers", broker.bootstrapServers,
                                   "--partitions", "\(options.partitions)"] + topics.arguments)
        let worker = try await startWorker(broker: broker, simulator: simulator, topics: topics)
        progress("worker pid \(worker.pid) ready; producing \(options.messages) messages with seed \(options.seed)")
        let board = OutcomeBoard()
        let clientConfiguration = KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers])
        let followers = [topics.results, topics.dlq].map { topic in
            Task {
                let tail = KafkaTopicTail(
                    configuration: clientConfiguration, topic: topic, follow: true,
                    followInterval: .milliseconds(100), stallTimeout: .seconds(120), logger: logger)
                for try await record in tail.records() {
                    if topic == topics.dlq { await board.addDeadLetter(record) } else { await board.addResult(record) }
                }
            }
        }
        let sampler = MemorySampler(pid: worker.pid)
        let started = ContinuousClock.now
        var watch = ProgressWatch(options: options, worker: worker, board: board, sampler: sampler, progress: progress)
        await produce(to: topics.jobs, broker: broker, board: board, watch: &watch)
        await watch.waitUntilSettled()
        let elapsed = started.duration(to: .now)
        var violations = watch.violations
        let offsets = await committedOffsetsReachEnd(
            configuration: clientConfiguration, group: topics.group, topic: topics.jobs, alive: watch.violations.isEmpty)
        violations += offsets.violations
        let memory = sampler.stop()
        if let violation = memory.violation(allowedGrowth: options.allowedMemoryGrowth) { violations.append(violation) }
        if worker.exit == nil {
            worker.signal(SIGTERM)
            let exit = await worker.waitForExit(timeout: .seconds(30))
            if exit != .exited(0) {
                violations.append("the worker did not shut down cleanly on SIGTERM (\(exit.map { "\($0)" } ?? "still running after 30 s"))")
                _ = await worker.stop(grace: .seconds(1))
            }
        }
        for follower in followers { follower.cancel() }
        let accounting = await board.account(knownCodes: HostileInputReport.knownCodes)
        violations += accounting.violations
        let stats = simulator.stats()
        violations += stats.doubleBilledExternalTaskIDs.prefix(10).map { "a valid job was created more than once: \($0)" }
        return HostileInputReport(
            seed: options.seed, produced: await board.produced.count, accounting: accounting, elapsed: elapsed,
            memory: memory, committed: offsets.committed, ends: offsets.ends, createsTotal: stats.createsTotal,
            workerLog: worker.errorPath, violations: violations)
    }

    /// Produces the messages in batches, never more than ``Options/window`` ahead of the worker.
    private func produce(to topic: String, broker: EmbeddedBroker, board: OutcomeBoard, watch: inout ProgressWatch) async {
        var configuration = broker.producerConfiguration()
        configuration["message.max.bytes"] = String(options.maxMessageBytes + (4 << 20))
        configuration["linger.ms"] = "5"
        guard let producer = try? KafkaProducer(configuration: configuration) else {
            watch.violations.append("the fuzzer's producer could not be created")
            return
        }
        var mutator = JobMutator(seed: options.seed, maxMessageBytes: options.maxMessageBytes)
        var index = 0
        while index < options.messages, watch.violations.isEmpty {
            guard await watch.waitForRoom(produced: index) else { break }
            let messages = (index..<min(options.messages, index + 250)).map { mutator.message(index: $0) }
            let outcomes = await producer.sendAll(messages.map {
                KafkaProducerMessage(topic: topic, key: $0.key, value: $0.value)
            })
            var batch: [OutcomeBoard.Produced] = []
            for (message, outcome) in zip(messages, outcomes) {
                switch outcome {
                case .success(let report):
                    batch.append(OutcomeBoard.Produced(
                        index: index + batch.count, jobID: message.jobID, mutations: message.mutations,
                        family: message.family, otherJobIDs: message.otherJobIDs, partition: report.partition,
                        offset: report.offset))
                case .failure(let error):
                    watch.violations.append("message \(message.jobID) (\(message.mutations)) was not produced: \(error)")
                }
            }
            await board.add(batch)
            index += messages.count
        }
        await producer.close(timeout: .seconds(10))
    }

    private func startWorker(broker: EmbeddedBroker, simulator: CometAPISimulator, topics: HostileTopics) async throws -> ChildProcess {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("AVATAR_WORKER_") && !$0.key.hasPrefix("AVATAR_DEV_")
        }
        environment["COMETAPI_KEY"] = "fuzz-key-0123456789"
        let arguments = [
            "run", "--brokers", broker.bootstrapServers, "--group", topics.group,
            "--api-base-url", simulator.baseURL?.absoluteString ?? "http://127.0.0.1:1", "--http-port", "0",
            "--max-message-bytes", String(options.maxMessageBytes),
            "--first-poll-delay-std", "10ms", "--first-poll-delay-pro", "10ms", "--poll-interval", "50ms",
            "--fleet-in-flight-cap", "2000", "--poll-requests-per-second", "5000", "--poll-burst", "1000",
            "--max-concurrent-creates", "16", "--commit-interval", "200ms", "--drain-deadline", "10s",
            "--kafka", "session.timeout.ms=6000", "--kafka", "heartbeat.interval.ms=1000",
            "--log-format", "text", "--log-level", "warning",
        ] + topics.arguments
        let child = try await ChildProcess.start(
            executable: options.workerExecutable, arguments: arguments, environment: environment,
            outputPath: options.outputDirectory.appendingPathComponent("worker.out").path,
            errorPath: options.outputDirectory.appendingPathComponent("worker.log").path)
        do {
            _ = try await child.waitForOutputLine(within: .seconds(60), what: "its ready line") {
                $0.contains(#""event":"ready""#)
            }
            return child
        } catch {
            _ = await child.stop(grace: .seconds(1))
            throw error
        }
    }

    private func runToCompletion(_ arguments: [String]) async throws {
        let name = arguments.prefix(2).joined(separator: "-")
        let child = try await ChildProcess.start(
            executable: options.workerExecutable, arguments: arguments,
            outputPath: options.outputDirectory.appendingPathComponent("\(name).out").path,
            errorPath: options.outputDirectory.appendingPathComponent("\(name).log").path)
        let exit = await child.waitForExit(timeout: .seconds(60))
        guard exit == .exited(0) else {
            _ = await child.stop(grace: .seconds(1))
            throw HostileInputError.commandFailed(
                "avatar-worker \(arguments.joined(separator: " "))", exit.map { "\($0)" } ?? "no exit within 60 s", child.errorTail())
        }
    }

    /// Waits up to 60 s for the group's committed offsets to reach the end of every jobs partition.
    private func committedOffsetsReachEnd(
        configuration: KafkaConfiguration, group: String, topic: String, alive: Bool
    ) async -> (committed: [Int32: Int64], ends: [Int32: Int64], violations: [String]) {
        let partitions = (0..<Int32(options.partitions)).map { $0 }
        var committed: [Int32: Int64] = [:]
        var ends: [Int32: Int64] = [:]
        let deadline = ContinuousClock.now.advanced(by: alive ? .seconds(60) : .seconds(5))
        do {
            let admin = try KafkaAdmin(configuration: configuration)
            ends = try await KafkaTopicTail(configuration: configuration, topic: topic).endOffsets()
            while true {
                committed = try await admin.committedOffsets(group: group, topic: topic, partitions: partitions)
                if partitions.allSatisfy({ committed[$0, default: 0] >= ends[$0, default: 0] }) { return (committed, ends, []) }
                if ContinuousClock.now >= deadline { break }
                try await Task.sleep(for: .milliseconds(500))
            }
        } catch {
            return (committed, ends, ["the committed offsets could not be read: \(error)"])
        }
        let behind = partitions.filter { committed[$0, default: 0] < ends[$0, default: 0] }
            .map { "partition \($0) committed \(committed[$0].map(String.init) ?? "nothing") of \(ends[$0, default: 0])" }
        return (committed, ends, ["the partitions stopped moving: \(behind.joined(separator: ", "))"])
    }
}

/// The run's topic names and group, unique per run.
struct HostileTopics {
    let jobs: String, tasks: String, results: String, dlq: String, group: String

    init(prefix: String) {
        jobs = "\(prefix).jobs"
        tasks = "\(prefix).tasks"
        results = "\(prefix).results"
        dlq = "\(prefix).jobs.dlq"
        group = "\(prefix)-workers"
    }

    /// The topic flags of `topics create` and `run`.
    var arguments: [String] {
        ["--jobs-topic", jobs, "--tasks-topic", tasks, "--results-topic", results, "--dlq-topic", dlq]
    }
}

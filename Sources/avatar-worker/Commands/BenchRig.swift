import ArgumentParser
import AsyncHTTPClient
import AvatarWorker
import ChaosHarness
import Foundation
import Kafka
import KafkaDevelopment
import Logging
import NIOCore

/// The processes a pipeline benchmark measures, each in its own process as in production: a development broker (the
/// embedded Tansu, or librdkafka's mock cluster as `avatar-worker mock-broker`), the CometAPI simulator
/// (`avatar-worker simulate`) and workers (`avatar-worker run`), which this process starts, feeds with jobs, watches
/// and stops. Figures about a worker come from its own process (`/proc/<pid>`) and its `/metrics`; figures about the
/// API from the simulator's `/_sim/stats`.
///
/// Every benchmark prints the full worker command line it starts (``WorkerProcess/command``), so any flag that
/// differs from the worker's defaults is on screen beside the figures it produced, and names its broker.
final class BenchRig: Sendable {
    let broker: any ChaosBroker
    /// Which broker ``broker`` is.
    let brokerKind: ChaosBrokerKind
    /// The topics the mock broker made at its start (it cannot create topics later); empty for Tansu.
    let declaredTopics: Set<String>
    let simulator: SimulatorProcess
    /// The `avatar-worker` binary running this benchmark (the workers and the simulator are the same build).
    let executable: String
    /// Where the children's stdout and stderr go.
    let directory: URL
    let logger: Logger

    private init(
        broker: any ChaosBroker, brokerKind: ChaosBrokerKind, declaredTopics: Set<String>, simulator: SimulatorProcess,
        executable: String, directory: URL, logger: Logger
    ) {
        self.broker = broker
        self.brokerKind = brokerKind
        self.declaredTopics = declaredTopics
        self.simulator = simulator
        self.executable = executable
        self.directory = directory
        self.logger = logger
    }

    /// Starts a broker of `brokerKind` and a simulator whose tasks last `taskSeconds` (`MIN-MAX`), and runs `body` with
    /// them; both are stopped afterwards, also when `body` throws. The mock broker cannot create topics once it runs,
    /// so it starts with `mockTopics` (each of the four topics of each set); ``createTopics(prefix:partitions:)`` then
    /// only hands out those. Tansu creates them when asked.
    static func with<T>(
        taskSeconds: String, name: String, broker brokerKind: ChaosBrokerKind = .tansu, mockTopics: [Topics] = [],
        _ body: (BenchRig) async throws -> T
    ) async throws -> T {
        var logger = Logger(label: "bench.\(name)")
        logger.logLevel = .error
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-bench-\(name)-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().path
        let counts = Set(mockTopics.map(\.partitions))
        guard brokerKind == .tansu || counts.count <= 1 else {
            throw BenchFailure(what: "the mock broker makes all its topics with one partition count")
        }
        let declared: Set<String> = brokerKind == .mock ? Set(mockTopics.flatMap { $0.all.map(\.name) }) : []
        let broker = try await brokerKind.start(
            executable: executable, topics: declared.sorted(), partitions: Int(counts.first ?? 1), directory: directory,
            logger: logger)
        let simulator: SimulatorProcess
        do {
            simulator = try await SimulatorProcess.start(
                executable: executable, settings: SimulatorProcess.Settings(taskSeconds: taskSeconds, queryByExternalID: false),
                directory: directory)
        } catch {
            await broker.shutDown()
            throw error
        }
        let rig = BenchRig(
            broker: broker, brokerKind: brokerKind, declaredTopics: declared, simulator: simulator, executable: executable,
            directory: directory, logger: logger)
        let brokerName = brokerKind == .tansu ? "Tansu" : "librdkafka's mock cluster"
        benchSay("broker \(broker.bootstrapServers) (\(brokerName), pid \(broker.pid)); simulator \(simulator.baseURL) (pid \(simulator.process.pid), tasks last \(taskSeconds) s); logs in \(directory.path)")
        do {
            let result = try await body(rig)
            await rig.tearDown()
            return result
        } catch {
            await rig.tearDown()
            throw error
        }
    }

    private func tearDown() async {
        await simulator.stop()
        await broker.shutDown()
    }

    // MARK: Topics and jobs

    /// The four topics of one benchmark run, named `<prefix>.jobs` and so on, made with the configs `topics create`
    /// gives them by default (``WorkerTopic/creationConfigs(compaction:large:)``: the ledger compacted).
    struct Topics: Sendable {
        let prefix: String
        let partitions: Int32
        var jobs: String { "\(prefix).jobs" }
        var tasks: String { "\(prefix).tasks" }
        var results: String { "\(prefix).results" }
        var dlq: String { "\(prefix).jobs.dlq" }

        /// Each with its role.
        var all: [WorkerTopic] {
            [
                WorkerTopic(role: .jobs, name: jobs), WorkerTopic(role: .tasks, name: tasks),
                WorkerTopic(role: .results, name: results), WorkerTopic(role: .dlq, name: dlq),
            ]
        }

        /// The worker flags naming them.
        var flags: [String] {
            ["--jobs-topic", jobs, "--tasks-topic", tasks, "--results-topic", results, "--dlq-topic", dlq]
        }
    }

    /// Creates a fresh set of topics with `partitions` partitions each (on the mock broker: hands out a set it made
    /// at its start, and throws for any other).
    func createTopics(prefix: String, partitions: Int32) async throws -> Topics {
        let topics = Topics(prefix: prefix, partitions: partitions)
        if brokerKind == .mock {
            guard topics.all.allSatisfy({ declaredTopics.contains($0.name) }) else {
                throw BenchFailure(what: "the mock broker was not started with the topics \(prefix).*")
            }
            return topics
        }
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]), logger: logger)
        let compaction = try LedgerCompactionOptions.parse([]).configs
        _ = try await admin.createTopics(topics.all.map {
            KafkaTopicSpecification(
                name: $0.name, partitions: partitions, configs: $0.creationConfigs(compaction: compaction, large: [:]))
        })
        return topics
    }

    /// The bytes of job `jobID`: a URL image and a TTS audio id, so the worker probes nothing over the network and
    /// the simulator accepts it.
    static func job(_ jobID: String) -> [UInt8] {
        Array(#"{"job_id":"\#(jobID)","image":"https://media.example.com/portraits/p.png","audio_id":"tts-123","prompt":"smiles and nods"}"#.utf8)
    }

    /// Produces jobs `<prefix>-<index>` for `indices` to `topics.jobs` (key: the job id) and waits for every
    /// acknowledgement; throws when any was refused.
    func produceJobs(_ indices: Range<Int>, prefix: String, to topics: Topics, producer: KafkaProducer) async throws {
        let messages = indices.map { index in
            let jobID = "\(prefix)-\(index)"
            return KafkaProducerMessage(topic: topics.jobs, key: Array(jobID.utf8), value: Self.job(jobID))
        }
        let failed = await producer.sendAll(messages).filter { !$0.isSuccess }.count
        guard failed == 0 else { throw BenchFailure(what: "\(failed) of \(messages.count) jobs were not produced") }
    }

    /// A producer for jobs (acks=all, as a producing application would run it).
    func makeProducer() throws -> KafkaProducer {
        try KafkaProducer(configuration: broker.producerConfiguration(), logger: logger)
    }

    /// A results reader in a fresh group, already assigned and reading: a sentinel record produced to `topic` has
    /// come back through it, so a measurement that follows does not include its group join (half the session
    /// timeout on Tansu). Records with the sentinel's key are skipped by ``ResultsReader/next()``.
    final class ResultsReader {
        static let sentinelKey = "bench-sentinel"
        let consumer: KafkaConsumer
        private var iterator: KafkaConsumerMessageBatches.AsyncIterator

        init(consumer: KafkaConsumer) {
            self.consumer = consumer
            iterator = consumer.messageBatches.makeAsyncIterator()
        }

        /// The next batch of records, the sentinel left out; nil when the consumer ends.
        func next() async throws -> [KafkaConsumerMessage]? {
            guard let batch = try await iterator.next() else { return nil }
            return batch.filter { $0.key.map { String(decoding: $0, as: UTF8.self) } != Self.sentinelKey }
        }

        fileprivate func awaitSentinel() async throws {
            while let batch = try await iterator.next() {
                if batch.contains(where: { $0.key.map { String(decoding: $0, as: UTF8.self) } == Self.sentinelKey }) { return }
            }
        }

        func close() async { await consumer.close() }
    }

    /// Subscribes a reader of `topic` in the fresh group `group` and returns once it reads (see ``ResultsReader``).
    func resultsReader(topic: String, group: String) async throws -> ResultsReader {
        let consumer = try KafkaConsumer(
            configuration: KafkaConfiguration.consumer(bootstrapServers: broker.bootstrapServers, groupID: group)
                .merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "1000"]),
            logger: logger)
        try consumer.subscribe(topics: [topic])
        let reader = ResultsReader(consumer: consumer)
        let producer = try makeProducer()
        _ = try await producer.send(KafkaProducerMessage(
            topic: topic, partition: 0, key: Array(ResultsReader.sentinelKey.utf8), value: Array("{}".utf8)))
        await producer.close()
        try await reader.awaitSentinel()
        return reader
    }

    // MARK: Workers

    /// A worker process and what it can be asked.
    final class WorkerProcess: Sendable {
        let process: ChildProcess
        let httpPort: Int
        /// The command line it was started with.
        let command: String

        init(process: ChildProcess, httpPort: Int, command: String) {
            self.process = process
            self.httpPort = httpPort
            self.command = command
        }

        var pid: Int32 { process.pid }

        /// User + system CPU seconds so far.
        func cpuSeconds() -> Double { CPUTime.process(pid) }

        /// Resident memory in bytes (`VmRSS`); 0 when it cannot be read.
        func residentBytes() -> Int { ProcessMemory.residentBytes(of: pid) }

        /// Resident anonymous memory in bytes (`RssAnon`: heap and stacks); 0 when it cannot be read.
        func anonymousBytes() -> Int { ProcessMemory.anonymousBytes(of: pid) }

        /// Its `/metrics` text.
        func metrics() async throws -> PrometheusText {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/metrics")
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let body = try await response.body.collect(upTo: 64 << 20)
            guard response.status == .ok else { throw BenchFailure(what: "/metrics answered \(response.status.code)") }
            return PrometheusText(String(buffer: body))
        }

        /// Whether `/readyz` answers 200: the worker holds an assignment and has restored it.
        func isReady() async -> Bool {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(httpPort)/readyz")
            request.method = .GET
            guard let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(10)) else { return false }
            _ = try? await response.body.collect(upTo: 1 << 20)
            return response.status == .ok
        }

        /// Waits until `/readyz` answers 200 (the group has assigned it partitions and their restores are done), so a
        /// measurement does not include the group join.
        func waitUntilReady(timeout: Duration = .seconds(120)) async throws {
            try await BenchRig.waitUntil("the worker's /readyz", timeout: timeout, interval: .milliseconds(100)) {
                await self.isReady()
            }
        }

        /// SIGKILL, then reaps it.
        func kill() async {
            _ = process.signal(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(30))
        }

        /// SIGTERM (a drain), SIGKILL after `grace`.
        func stop(grace: Duration = .seconds(60)) async {
            _ = await process.stop(grace: grace)
        }
    }

    /// The flags every benchmark worker runs with: this rig's broker, simulator and topics, any free admin port and the
    /// local broker's session timeout (Tansu waits half of it on a join). The log level and `--worker-arg`s follow
    /// (``BenchWorkerArguments/arguments``). Printed with the command line.
    func baseWorkerArguments(topics: Topics, workerID: String, sessionTimeoutMs: Int = 6000) -> [String] {
        [
            "run", "--brokers", broker.bootstrapServers, "--group", "\(topics.prefix).group", "--api-base-url",
            simulator.baseURL, "--http-port", "0", "--worker-id", workerID,
        ] + topics.flags + ["--kafka", "session.timeout.ms=\(sessionTimeoutMs)", "--kafka", "heartbeat.interval.ms=1000"]
    }

    /// Starts `avatar-worker run` with `arguments` and waits (up to 120 s) for its ready line (the process is up;
    /// ``WorkerProcess/waitUntilReady(timeout:)`` waits for its partitions).
    func startWorker(_ arguments: [String], name: String) async throws -> WorkerProcess {
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("AVATAR_WORKER_") }
        environment["COMETAPI_KEY"] = "bench-key"
        let process = try await ChildProcess.start(
            executable: executable, arguments: arguments, environment: environment,
            outputPath: directory.appendingPathComponent("\(name).out").path,
            errorPath: directory.appendingPathComponent("\(name).log").path)
        let line: String
        do {
            line = try await process.waitForOutputLine(within: .seconds(120), what: "its ready line") {
                $0.contains(#""event":"ready""#)
            }
        } catch {
            await process.stop(grace: .seconds(5))
            throw error
        }
        guard let ready = try? JSONDecoder().decode(AvatarWorkerService.Ready.self, from: Data(line.utf8)) else {
            await process.stop(grace: .seconds(5))
            throw BenchFailure(what: "could not read the worker's ready line: \(line)")
        }
        let port = ready.httpPort
        let command = (["avatar-worker"] + arguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        return WorkerProcess(process: process, httpPort: port, command: command)
    }

    /// Waits until `condition` holds, checking every `interval`, up to `timeout`; throws `what` on timeout.
    static func waitUntil(
        _ what: String, timeout: Duration, interval: Duration = .milliseconds(200),
        _ condition: () async throws -> Bool
    ) async throws {
        // What was printed so far reaches a pipe (`| tee`) before the wait, so a long run shows its progress.
        fflush(nil)
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while try await !condition() {
            guard ContinuousClock.now < deadline else { throw BenchFailure(what: "timed out waiting for \(what)") }
            try await Task.sleep(for: interval)
        }
    }
}

/// Resident memory of a process, from `/proc/<pid>/status`.
enum ProcessMemory {
    /// `VmRSS` in bytes; 0 when unreadable.
    static func residentBytes(of pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        return residentBytes(status: status)
    }

    /// `RssAnon` in bytes (the process's own heap and stacks, without mapped files such as its binary); 0 when unreadable.
    static func anonymousBytes(of pid: Int32) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8) else { return 0 }
        return residentBytes(status: status, field: "RssAnon:")
    }

    /// `field` (default `VmRSS:`) in bytes from the text of a `/proc/<pid>/status` file (the kernel prints it in kB);
    /// 0 when absent.
    static func residentBytes(status: String, field: String = "VmRSS:") -> Int {
        for line in status.split(separator: "\n") where line.hasPrefix(field) {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 2, let kilobytes = Int(fields[1]) else { return 0 }
            return kilobytes * 1024
        }
        return 0
    }
}

/// The workers' `--worker-log-level` and `--worker-arg ARG` (repeatable): more arguments for every worker a benchmark
/// starts, after its own (so a later flag wins), e.g. `--worker-arg=--kafka --worker-arg=linger.ms=1` to try a
/// setting; they appear in the printed command line.
struct BenchWorkerArguments: ParsableArguments {
    @Option(help: "The workers' --log-level (warning: a log line per job would measure the log file).")
    var workerLogLevel = "warning"

    @Option(name: .customLong("worker-arg"), parsing: .unconditionalSingleValue,
            help: "An extra argument for every worker started (repeatable; appended after the benchmark's own, printed).")
    var values: [String] = []

    /// What goes after a benchmark's own worker flags: the log level, then the extra arguments.
    var arguments: [String] { ["--log-level", workerLogLevel] + values }
}

/// What a benchmark's first line says of the build: figures from a debug build mean nothing.
let benchBuildNote: String = {
    #if DEBUG
    "release build: NO (figures mean nothing)"
    #else
    "release build: yes"
    #endif
}()

/// Prints `line` and flushes stdout, so a benchmark piped to a file or `tee` shows each figure when it is measured.
func benchSay(_ line: String) {
    print(line)
    fflush(nil)
}

extension ChaosBrokerKind: ExpressibleByArgument {}

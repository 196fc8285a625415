import ArgumentParser
import Foundation
import Kafka
import KafkaDevelopment

/// `avatar-worker bench throughput`: jobs per second end to end through one worker process whose tasks end at once,
/// beside the same Kafka traffic through `rdkafka_performance` and the same HTTP requests through `wrk`, measured in
/// the same run on the same broker and simulator.
///
/// One round: fresh topics, a fresh worker process, `--jobs` jobs produced at once; the rate runs from the first
/// produce to the last terminal result read back. The worker's CPU time (from `/proc`) over that span divided by the
/// jobs is its CPU per job. The baselines then replay what the round actually did, counted, not assumed:
/// - Kafka: the records the worker wrote (the ledger partitions read back, the results it published), produced by
///   `rdkafka_performance` with their mean size and the same producer settings, plus the round's jobs consumed by
///   `rdkafka_performance` in a fresh group; the Kafka baseline rate is jobs / (produce time + consume time);
/// - HTTP: `wrk` with a Lua script sending creates and queries in the round's own mix (from the simulator's
///   counters) for `--wrk-seconds`; its rate divided by the requests per job.
/// The target is at least half of the lower baseline.
struct BenchThroughputCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "throughput",
        abstract: "Jobs/s through one worker (tasks end at once) vs the same Kafka traffic (rdkafka_performance) and HTTP requests (wrk).")

    @OptionGroup var workerOptions: BenchWorkerArguments

    @Option(help: "Jobs per round.")
    var jobs = 20_000

    @Option(help: "Partitions of each topic.")
    var partitions: Int32 = 4

    @Option(help: "Rounds; the printed figures are the medians.")
    var rounds = 3

    @Option(help: "Creates and polls the worker keeps in flight, and wrk's connections.")
    var concurrency = 32

    @Option(help: "Seconds of each wrk run.")
    var wrkSeconds = 10


    @Option(help: ArgumentHelp(
        "Record the worker with `perf record -g` over the first round's measured span into this file (read it with `perf report -i`). valgrind's callgrind would count instructions repeatably, but valgrind 3.19 (Debian 12) cannot run Swift 6.3 binaries.",
        valueName: "path"))
    var perfOutput: String?

    @Option(name: .customLong("wrk"), help: "Path of the wrk binary.")
    var wrkPath = "/usr/bin/wrk"

    @Option(help: "Path of rdkafka_performance.")
    var baselineTool = "/usr/local/bin/rdkafka_performance"

    func validate() throws {
        guard jobs > 0, partitions > 0, rounds > 0, concurrency > 0, wrkSeconds > 0 else {
            throw ValidationError("--jobs, --partitions, --rounds, --concurrency and --wrk-seconds must be positive")
        }
        for tool in [wrkPath, baselineTool] where !FileManager.default.isExecutableFile(atPath: tool) {
            throw ValidationError("\(tool) not found; scripts/setup installs it")
        }
    }

    /// One round's figures.
    struct Round {
        var workerRate = 0.0
        var workerCPUPerJob = 0.0
        var brokerCPUPerJob = 0.0
        var simulatorCPUPerJob = 0.0
        var kafkaRate = 0.0
        var wrkJobRate = 0.0
        var lowerBaseline: Double { min(kafkaRate, wrkJobRate) }
    }

    func run() async throws {
        let runID = UUID().uuidString.prefix(6).lowercased()
        try await BenchRig.with(taskSeconds: "0-0", name: "throughput") { rig in
            benchSay("bench throughput: \(rounds) rounds of \(jobs) jobs on \(partitions) partitions, tasks that end at once; \(benchBuildNote)")
            var results: [Round] = []
            for round in 1...rounds {
                results.append(try await measure(round: round, prefix: "tp-\(runID)-\(round)", rig: rig))
            }
            let worker = results.map(\.workerRate).median
            let kafka = results.map(\.kafkaRate).median
            let wrk = results.map(\.wrkJobRate).median
            let ratio = results.map { $0.workerRate / $0.lowerBaseline }.median
            let cpu = results.map(\.workerCPUPerJob).median
            benchSay("""

                median of \(rounds) rounds:
                  worker end to end        \(String(format: "%8.0f", worker)) jobs/s
                  Kafka baseline           \(String(format: "%8.0f", kafka)) jobs/s  (rdkafka_performance: the same records produced + the jobs consumed)
                  HTTP baseline            \(String(format: "%8.0f", wrk)) jobs/s  (wrk: the same creates and queries)
                  ratio to the lower       \(String(format: "%8.2f", ratio))         (median of the rounds' own ratios; target >= 0.50: \(ratio >= 0.5 ? "met" : "NOT met"))
                  worker CPU per job       \(String(format: "%8.3f", cpu * 1e3)) ms      (target <= 0.100 ms, a tenth of a typical Python worker's 1 ms: \(cpu <= 0.0001 ? "met" : "NOT met"))
                  broker / simulator CPU   \(String(format: "%.3f / %.3f", results.map(\.brokerCPUPerJob).median * 1e3, results.map(\.simulatorCPUPerJob).median * 1e3)) ms per job (not the worker's; shown for the 2-core budget)
                """)
        }
    }

    private func measure(round: Int, prefix: String, rig: BenchRig) async throws -> Round {
        let topics = try await rig.createTopics(prefix: prefix, partitions: partitions)
        let arguments = rig.baseWorkerArguments(topics: topics, workerID: "\(prefix)-worker") + [
            "--first-poll-delay-std", "1ms", "--poll-interval", "50ms",
            "--poll-requests-per-second", "100000", "--poll-burst", "10000",
            "--max-concurrent-polls", "\(concurrency)", "--max-concurrent-creates", "\(concurrency)",
            "--fleet-in-flight-cap", "\(max(jobs, Int(partitions)))",
        ] + workerOptions.arguments
        let results = try await rig.resultsReader(topic: topics.results, group: "\(prefix)-reader")
        let worker = try await rig.startWorker(arguments, name: "\(prefix)-worker")
        try await worker.waitUntilReady()
        if round == 1 {
            benchSay("worker: \(worker.command)")
            benchSay("  (differs from the defaults so that tasks that end at once are polled at once and nothing but the worker limits the rate: first-poll-delay-std, poll-interval, poll budget and burst, concurrent polls and creates, fleet cap, log level)")
        }
        let producer = try rig.makeProducer()
        let statsBefore = try await rig.simulator.stats(brief: true)
        let simulatorCPU = CPUTime.process(rig.simulator.process.pid)
        let brokerCPU = CPUTime.process(rig.broker.pid)
        let workerCPU = worker.cpuSeconds()
        var profiler: Process?
        if let perfOutput, round == 1 {
            profiler = try await Self.startPerf(pid: worker.pid, output: perfOutput, directory: rig.directory)
        }
        let started = ContinuousClock.now
        async let produced: Void = rig.produceJobs(0..<jobs, prefix: prefix, to: topics, producer: producer)
        var terminal = 0
        var resultBytes = 0
        while let batch = try await results.next() {
            for message in batch where message.header("event-type")?.text != "submitted" {
                terminal += 1
                resultBytes += message.value?.count ?? 0
            }
            if terminal >= jobs { break }
        }
        let elapsed = (ContinuousClock.now - started).seconds
        if let profiler {
            await Self.stopPerf(profiler)
            benchSay("perf profile of the measured span written to \(perfOutput ?? "")")
        }
        try await produced
        var figures = Round()
        figures.workerRate = Double(jobs) / elapsed
        figures.workerCPUPerJob = (worker.cpuSeconds() - workerCPU) / Double(jobs)
        figures.brokerCPUPerJob = (CPUTime.process(rig.broker.pid) - brokerCPU) / Double(jobs)
        figures.simulatorCPUPerJob = (CPUTime.process(rig.simulator.process.pid) - simulatorCPU) / Double(jobs)
        let statsAfter = try await rig.simulator.stats(brief: true)
        await worker.stop()
        await results.close()
        await producer.close()

        // What the round did, counted: the ledger read back (submitting, submitted and tombstone records), the
        // results read above, the simulator's requests.
        let ledger = try await countRecords(topic: topics.tasks, rig: rig)
        let creates = statsAfter.createRequestsTotal - statsBefore.createRequestsTotal
        let queries = statsAfter.queriesTotal - statsBefore.queriesTotal
        let records = ledger.records + terminal
        let meanSize = max(1, (ledger.bytes + resultBytes) / max(records, 1))

        let baseline = RdkafkaPerformance(
            tool: baselineTool, bootstrapServers: rig.broker.bootstrapServers,
            producerSettings: [("acks", "all"), ("enable.idempotence", "true"), ("linger.ms", "5")],
            consumerSettings: [("auto.offset.reset", "earliest"), ("session.timeout.ms", "6000")])
        let admin = try KafkaAdmin(
            configuration: KafkaConfiguration(["bootstrap.servers": rig.broker.bootstrapServers]), logger: rig.logger)
        _ = try await admin.createTopics([KafkaTopicSpecification(name: "\(prefix).baseline", partitions: partitions)])
        let produce = try baseline.produce(topic: "\(prefix).baseline", partition: nil, count: records, size: meanSize)
        let consume = try baseline.consume(topic: topics.jobs, group: "\(prefix)-baseline", count: jobs)
        figures.kafkaRate = Double(jobs) / (Double(records) / produce.rate + Double(jobs) / consume.rate)

        let requestsPerJob = Double(creates + queries) / Double(jobs)
        let wrk = try await runWrk(rig: rig, creates: creates, queries: queries, prefix: prefix)
        figures.wrkJobRate = wrk / requestsPerJob
        benchSay(String(
            format: "round %d: worker %.0f jobs/s (CPU %.3f ms/job); Kafka baseline %.0f jobs/s (%d records of %d B produced at %.0f/s, %d jobs consumed at %.0f/s); HTTP baseline %.0f jobs/s (%.0f requests/s, %.2f per job: %d creates, %d queries); ratio %.2f",
            round, figures.workerRate, figures.workerCPUPerJob * 1e3, figures.kafkaRate, records, meanSize,
            produce.rate, jobs, consume.rate, figures.wrkJobRate, wrk, requestsPerJob, creates, queries,
            figures.workerRate / figures.lowerBaseline))
        if round == 1 {
            benchSay("  rdkafka_performance: \(produce.command)")
            benchSay("                       \(consume.command)")
        }
        return figures
    }

    /// Starts `perf record -F 999 -g -p pid -o output` and gives it a second to attach; ``stopPerf(_:)`` ends it with
    /// SIGINT (as Ctrl-C does) and waits until it has written its file. Started with Foundation's `Process`, whose
    /// children begin with no signal blocked: a child of ``ChildProcess``'s launcher thread inherits its blocked
    /// signals, and perf then never sees the SIGINT.
    static func startPerf(pid: Int32, output: String, directory: URL) async throws -> Process {
        guard let perf = ["/usr/bin/perf", "/usr/local/bin/perf"].first(where: FileManager.default.isExecutableFile) else {
            throw BenchFailure(what: "perf is not installed (apt-get install linux-perf)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: perf)
        process.arguments = ["record", "-F", "999", "-g", "-p", "\(pid)", "-o", output]
        process.standardOutput = try FileHandle(forWritingTo: Self.emptyFile(directory.appendingPathComponent("perf.out")))
        process.standardError = try FileHandle(forWritingTo: Self.emptyFile(directory.appendingPathComponent("perf.log")))
        try process.run()
        try await Task.sleep(for: .seconds(1))
        guard process.isRunning else {
            throw BenchFailure(what: "perf record ended at once with status \(process.terminationStatus); see \(directory.path)/perf.log")
        }
        return process
    }

    private static func emptyFile(_ url: URL) throws -> URL {
        try Data().write(to: url)
        return url
    }

    /// Ends a `perf record` started by ``startPerf(pid:output:directory:)`` and waits (up to a minute) until it has
    /// written its file.
    static func stopPerf(_ process: Process) async {
        process.interrupt()
        let deadline = ContinuousClock.now.advanced(by: .seconds(60))
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        if process.isRunning { process.terminate() }
    }

    /// Records and value bytes in every partition of `topic`, read from the start to the end.
    private func countRecords(topic: String, rig: BenchRig) async throws -> (records: Int, bytes: Int) {
        let reader = try KafkaPartitionReader(
            configuration: KafkaConfiguration(["bootstrap.servers": rig.broker.bootstrapServers]), logger: rig.logger)
        var records = 0
        var bytes = 0
        for partition in 0..<partitions {
            _ = try await reader.read(topic: topic, partition: partition, from: 0) { batch in
                records += batch.count
                for message in batch { bytes += (message.value?.count ?? 0) + (message.key?.count ?? 0) }
            }
        }
        return (records, bytes)
    }

    /// Runs wrk on the simulator with creates and queries in the proportion `creates : queries` (the round's own),
    /// each create with a fresh `external_task_id`, each query of one existing task; returns its requests per second.
    private func runWrk(rig: BenchRig, creates: Int, queries: Int, prefix: String) async throws -> Double {
        let created = try await BenchWrk.createTask(baseURL: rig.simulator.baseURL)
        let script = rig.directory.appendingPathComponent("\(prefix)-mix.lua")
        try BenchWrk.mixScript(creates: creates, queries: queries, taskID: created, prefix: prefix)
            .write(to: script, atomically: true, encoding: .utf8)
        let arguments = [
            "-t", "2", "-c", "\(concurrency)", "-d", "\(wrkSeconds)s", "-s", script.path,
            rig.simulator.baseURL + "/kling/v1/videos/avatar/image2video",
        ]
        return try BenchWrk.run(path: wrkPath, arguments: arguments)
    }
}

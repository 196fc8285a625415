import ArgumentParser
import AvatarJobs
import Foundation
import Kafka
import KafkaDevelopment

/// `avatar-worker demo`: the whole product on one machine in well under a minute — an embedded broker, the CometAPI
/// simulator (or, with `--live` and `COMETAPI_KEY`, the real API), the four topics, a worker process, and a handful
/// of valid and invalid jobs whose result events are printed as they arrive. Everything started is stopped at the
/// end, also after a failure or Ctrl-C.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run broker, simulator and a worker locally, submit sample jobs and print each result as it arrives.",
        discussion: """
            The real API at https://api.cometapi.com is contacted only with --live and COMETAPI_KEY set (it costs \
            money: every valid sample is a paid video). Without --live the local simulator answers.
            """
    )

    @Flag(help: "Use the real CometAPI (needs COMETAPI_KEY) instead of the simulator.")
    var live = false

    @Option(help: "Partitions of each topic.")
    var partitions = 2

    @Option(help: "Simulated task lifetime in seconds, MIN-MAX.")
    var taskSeconds = "2-4"

    @Option(help: "Seconds to wait for every job to end (default 90, or 1800 with --live).")
    var timeout: Int?

    @Flag(help: "Only print the sample jobs as JSON lines (e.g. into `avatar-worker validate`) and exit.")
    var printJobs = false

    @Option(name: .customLong("write-samples"), help: ArgumentHelp(
        "Only write the sample media (portrait.png, speech.wav) into this directory, for `submit --image/--audio`, and exit.",
        valueName: "dir"))
    var writeSamples: String?

    @Flag(help: "Start broker, simulator, topics and a worker (with progress events) and keep them running until Ctrl-C, for your own `submit --wait`.")
    var serve = false

    func validate() throws {
        if live, ProcessInfo.processInfo.environment["COMETAPI_KEY"]?.isEmpty ?? true {
            throw ValidationError("--live needs the API key in COMETAPI_KEY")
        }
        _ = try taskSecondsRange()
        guard (1...16).contains(partitions) else { throw ValidationError("--partitions must be 1…16, got \(partitions)") }
    }

    func run() async throws {
        if printJobs {
            for sample in DemoJobs(prefix: "demo").samples { say(String(decoding: sample.bytes, as: UTF8.self)) }
            return
        }
        if let writeSamples {
            try Self.write(samplesTo: URL(fileURLWithPath: writeSamples))
            return
        }
        let stack = try DemoStack()
        let run = await InterruptSignal.run { [self] in try await serve ? serveUntilInterrupted(stack) : demo(stack) }
        if run.signal != nil { StandardOutput.error("\ninterrupted: stopping everything the demo started…") }
        let outcome = run.result
        say("■ stopping the worker, the \(live ? "API client" : "simulator") and the broker")
        await stack.shutdown()
        say("  logs kept in \(stack.directory.path)")
        switch outcome {
        case .success: say("✔ demo finished")
        case .failure(is CancellationError) where serve: say("✔ stopped")
        case .failure(let error as DemoStack.Failure):
            StandardOutput.error("✘ demo failed: \(error)")
            throw ExitCode(1)
        case .failure(let error):
            StandardOutput.error("✘ demo failed: \(error is CancellationError ? "interrupted" : "\(error)")")
            throw ExitCode(1)
        }
    }

    private func demo(_ stack: DemoStack) async throws {
        let (broker, worker) = try await start(stack, progressEvents: false)
        let jobs = DemoJobs(prefix: "demo-\(String(UInt32.random(in: 0...UInt32.max), radix: 36))")
        say("▶ submitting \(jobs.samples.count) jobs")
        for sample in jobs.samples { say("  \(sample.jobID): \(sample.expectation)") }
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        let started = ContinuousClock.now
        for outcome in await producer.sendAll(jobs.samples.map { SubmitCommand.jobMessage($0.bytes, topic: "avatar.jobs") }) {
            _ = try outcome.get()
        }
        await producer.close(timeout: .seconds(5))
        say("▶ results as they arrive")
        try await follow(jobs, broker: broker, started: started, worker: worker)
        try await summarize(jobs, broker: broker, stack: stack)
    }

    /// `--serve`: the stack for the user's own jobs, until Ctrl-C (or the worker ends).
    private func serveUntilInterrupted(_ stack: DemoStack) async throws {
        let (broker, worker) = try await start(stack, progressEvents: true)
        let samples = stack.directory.appendingPathComponent("samples")
        try Self.write(samplesTo: samples)
        say("▶ ready; in another terminal:")
        say("  export AVATAR_WORKER_BROKERS=\(broker.bootstrapServers) AVATAR_WORKER_GROUP=avatar-demo")
        say("  \(DemoStack.ownExecutable()) submit --image \(samples.path)/portrait.png --audio \(samples.path)/speech.wav \\")
        say("      --prompt \"Smile and nod.\" --wait --download videos")
        say("  Ctrl-C here stops everything")
        while worker.exit == nil { try await Task.sleep(for: .milliseconds(500)) }
        throw DemoStack.Failure(description: "the worker ended with \(worker.exit.map(String.init(describing:)) ?? "?"); "
            + "its log ends with:\n\(worker.errorTail())")
    }

    /// Writes the sample media files into `directory` and names them.
    private static func write(samplesTo directory: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        for (name, bytes) in DemoMedia.sampleFiles {
            let url = directory.appendingPathComponent(name)
            try Data(bytes).write(to: url, options: .atomic)
            say(url.path)
        }
    }

    /// Starts broker, API (simulator or real), topics and a worker; returns the broker and the worker.
    private func start(_ stack: DemoStack, progressEvents: Bool) async throws -> (EmbeddedBroker, ChildProcess) {
        say("▶ starting the embedded Kafka broker (Tansu)")
        let broker = try await stack.startBroker()
        say("  broker at \(broker.bootstrapServers), pid \(broker.pid)")
        let apiBaseURL: String
        var environment = ProcessInfo.processInfo.environment
        if live {
            apiBaseURL = "https://api.cometapi.com"
            say("▶ using the REAL CometAPI at \(apiBaseURL): valid samples are paid videos")
        } else {
            apiBaseURL = try await stack.startSimulator(taskSeconds: try taskSecondsRange()).absoluteString
            environment["COMETAPI_KEY"] = "demo-simulator-key"
            say("▶ CometAPI simulator at \(apiBaseURL) (tasks take \(taskSeconds) s)")
        }
        say("▶ creating topics avatar.jobs, avatar.tasks, avatar.results, avatar.jobs.dlq (\(partitions) partitions)")
        try await stack.runToCompletion(
            "topics", ["topics", "create", "--brokers", broker.bootstrapServers, "--partitions", "\(partitions)"])
        say("▶ starting a worker: avatar-worker run")
        let arguments = workerArguments(broker: broker, apiBaseURL: apiBaseURL) + (progressEvents ? ["--progress-events"] : [])
        let worker = try await stack.spawn("worker", arguments, environment: environment)
        let ready = try await worker.waitForOutputLine(within: .seconds(60), what: "its ready line") {
            $0.contains(#""event":"ready""#)
        }
        say("  worker ready, pid \(worker.pid): \(ready)")
        return (broker, worker)
    }

    /// Prints result events until every sample has its terminal event; fails when the time runs out or the worker
    /// ends first.
    private func follow(_ jobs: DemoJobs, broker: EmbeddedBroker, started: ContinuousClock.Instant, worker: ChildProcess) async throws {
        let expected = Set(jobs.samples.map(\.jobID))
        let limit = Duration.seconds(timeout ?? (live ? 1800 : 90))
        let tail = KafkaTopicTail(
            configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]), topic: "avatar.results",
            follow: true, followInterval: .milliseconds(100))
        let failure: String? = try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                var progress = DemoProgress(expected: expected, started: started)
                for try await record in tail.records() {
                    guard let line = progress.record(record) else { continue }
                    say(line)
                    if progress.isComplete { return nil }
                }
                return "the results topic ended early"
            }
            group.addTask {
                try await Task.sleep(for: limit)
                return "not every job ended within \(limit)"
            }
            group.addTask {
                while worker.exit == nil { try await Task.sleep(for: .milliseconds(200)) }
                return "the worker ended early with \(worker.exit.map(String.init(describing:)) ?? "?"); "
                    + "its log ends with:\n\(worker.errorTail())"
            }
            defer { group.cancelAll() }
            return try await group.next() ?? nil
        }
        if let failure { throw DemoStack.Failure(description: failure) }
    }

    private func summarize(_ jobs: DemoJobs, broker: EmbeddedBroker, stack: DemoStack) async throws {
        let dlq = KafkaTopicTail(
            configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]), topic: "avatar.jobs.dlq")
        var lines: [String] = []
        for try await record in dlq.records() { lines.append(DeadLetter(record: record).jsonLine(excerptLength: 60)) }
        say("▶ dead-letter queue: \(lines.count) message(s)")
        for line in lines { say("  \(line)") }
        if let stats = await stack.simulator?.stats() {
            let twice = stats.doubleBilledExternalTaskIDs
            say("▶ simulator: \(stats.createsTotal) task(s) created, \(stats.queriesTotal) queries, "
                + (twice.isEmpty ? "none created twice" : "CREATED TWICE: \(twice)"))
        }
    }

    private func workerArguments(broker: EmbeddedBroker, apiBaseURL: String) -> [String] {
        var arguments = [
            "run", "--brokers", broker.bootstrapServers, "--group", "avatar-demo", "--api-base-url", apiBaseURL,
            "--http-port", "0", "--kafka", "session.timeout.ms=6000", "--kafka", "heartbeat.interval.ms=1000",
            "--log-format", "text",
        ]
        if !live {
            arguments += ["--first-poll-delay-std", "1s", "--first-poll-delay-pro", "1s", "--poll-interval", "1s"]
        }
        return arguments
    }

    private func taskSecondsRange() throws -> ClosedRange<Double> {
        let parts = taskSeconds.split(separator: "-", maxSplits: 1).map { Double($0) }
        guard parts.count == 2, let low = parts[0], let high = parts[1], low >= 0, low <= high else {
            throw ValidationError("--task-seconds must be MIN-MAX with 0 ≤ MIN ≤ MAX, got \(taskSeconds)")
        }
        return low...high
    }
}

/// Prints one line of demo narration at once (stdout is a pipe in CI).
private func say(_ line: String) {
    StandardOutput.line(line)
}

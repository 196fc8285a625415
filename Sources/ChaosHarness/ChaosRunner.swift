import AvatarWorker
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Logging
import Synchronization

/// Performs a ``ChaosSchedule`` against real processes — the embedded broker, the simulator (`avatar-worker
/// simulate`) and the workers (`avatar-worker run`, one group) — then waits for every job to end and judges what the
/// result topic and the simulator's counters show (``ChaosReport``).
///
/// The broker is always thawed (SIGCONT) before the runner returns or throws, and every process it started is
/// stopped through its own pid; the broker and the children also die with this process if it is killed.
public struct ChaosRunner: Sendable {
    /// How the system under test is set up.
    public struct Settings: Sendable {
        /// The `avatar-worker` binary the simulator and the workers run as.
        public var executable: String
        /// Partitions of every topic (at least the number of workers, so each can own some).
        public var partitions = 6
        /// Workers reconcile unknown create outcomes by `external_task_id` (`reconcile-then-fail`, the simulator
        /// answering such queries) instead of the default `fail`.
        public var reconciling = true
        /// Workers run `--exactly-once`.
        public var exactlyOnce = false
        /// How long the runner waits, once the schedule is over, for every job to end.
        public var settleTimeout: Duration = .seconds(300)
        /// The development broker the run uses.
        public var broker: ChaosBrokerKind = .mock
        /// librdkafka properties (`key=value`) every worker also gets as `--kafka`, after the runner's own (so they
        /// win), e.g. `debug=cgrp` to log the group protocol of every member.
        public var workerKafkaProperties: [String] = []
        /// The workers' `--log-level` (their default, info, when nil).
        public var workerLogLevel: String?
        /// Where the processes' logs go.
        public var directory: URL
        /// Progress lines (the schedule as performed, waiting), e.g. to stderr.
        public var progress: @Sendable (String) -> Void

        /// Settings with defaults for everything but the binary, the log directory and the progress sink.
        public init(executable: String, directory: URL, progress: @escaping @Sendable (String) -> Void) {
            self.executable = executable
            self.directory = directory
            self.progress = progress
        }
    }

    /// The workers' API request timeout: short, so a lost answer costs seconds, and above the simulator's slow
    /// answers (2 s) but below its lost answers' hold (8 s).
    public static let requestTimeout = "5s"
    /// The topics the workers use: their defaults, as the runner gives them no topic flags.
    static let topics: [String] = {
        let defaults = WorkerConfiguration()
        return [defaults.jobsTopic, defaults.tasksTopic, defaults.resultsTopic, defaults.dlqTopic]
    }()
    /// The workers' drain deadline on SIGTERM.
    public static let drainDeadline = "10s"

    /// The schedule performed.
    public let schedule: ChaosSchedule
    /// The set-up.
    public let settings: Settings

    /// A runner for `schedule`.
    public init(schedule: ChaosSchedule, settings: Settings) {
        self.schedule = schedule
        self.settings = settings
    }

    /// The flags every worker runs with (the group, the simulator, fast polls, Tansu's session timeout, the request
    /// timeout and drain deadline above, the ambiguity policy); a successor of a SIGKILL adds the short grace.
    func workerArguments(brokers: String, apiBaseURL: String, slot: Int, afterKill: Bool) -> [String] {
        var arguments = [
            "run", "--brokers", brokers, "--group", "avatar-chaos", "--api-base-url", apiBaseURL, "--http-port", "0",
            "--worker-id", "chaos-worker-\(slot)",
            "--first-poll-delay-std", "1s", "--first-poll-delay-pro", "1s", "--poll-interval", "1s",
            "--fleet-in-flight-cap", "600", "--poll-requests-per-second", "500", "--poll-burst", "200",
            "--api-request-timeout", Self.requestTimeout, "--drain-deadline", Self.drainDeadline,
            "--kafka", "session.timeout.ms=\(Int(schedule.plan.sessionTimeout.secondsValue * 1000))",
            "--kafka", "heartbeat.interval.ms=1000", "--log-format", "text",
        ]
        if settings.reconciling {
            arguments += ["--query-by-external-task-id", "true", "--ambiguous-submission", "reconcile-then-fail"]
        }
        if settings.exactlyOnce { arguments += ["--exactly-once", "true"] }
        for property in settings.workerKafkaProperties { arguments += ["--kafka", property] }
        if let level = settings.workerLogLevel { arguments += ["--log-level", level] }
        if afterKill { arguments += ["--prior-owner-grace", schedule.plan.afterKillGraceFlag] }
        return arguments
    }

    /// Runs the whole experiment and returns the verdict.
    /// - Throws: ``ChaosRunError`` when the stack cannot be set up (then nothing was judged).
    public func run() async throws -> ChaosReport {
        let started = ContinuousClock.now
        var quiet = Logger(label: "chaos")
        quiet.logLevel = .warning
        try FileManager.default.createDirectory(at: settings.directory, withIntermediateDirectories: true)
        let broker = try await settings.broker.start(
            executable: settings.executable, topics: Self.topics, partitions: settings.partitions,
            directory: settings.directory, logger: quiet)
        let stack = ChaosStack(broker: broker)
        // Torn down outside this task, so a cancelled run (Ctrl-C) still waits for its processes to end.
        do {
            let report = try await run(stack, started: started, logger: quiet)
            await Task { await stack.tearDown() }.value
            return report
        } catch {
            await Task { await stack.tearDown() }.value
            throw error
        }
    }

    private func run(_ stack: ChaosStack, started: ContinuousClock.Instant, logger: Logger) async throws -> ChaosReport {
        let plan = schedule.plan
        let broker = stack.broker
        settings.progress("broker \(broker.bootstrapServers) (pid \(broker.pid)); logs in \(settings.directory.path)")
        let simulator = try await SimulatorProcess.start(
            executable: settings.executable,
            settings: SimulatorProcess.Settings(queryByExternalID: settings.reconciling), directory: settings.directory)
        stack.simulator = simulator
        settings.progress("simulator \(simulator.baseURL) (pid \(simulator.process.pid))")
        if settings.broker == .tansu {
            try await runToCompletion(["topics", "create", "--brokers", broker.bootstrapServers, "--partitions", "\(settings.partitions)"])
        }

        let watch = ResultTopicWatch()
        await watch.start(bootstrapServers: broker.bootstrapServers, topic: "avatar.results", logger: logger)
        stack.watch = watch
        let fleet = makeFleet(brokers: broker.bootstrapServers, apiBaseURL: simulator.baseURL)
        stack.fleet = fleet
        for slot in 0..<plan.workers { await fleet.start(slot, afterKill: false) }
        await fleet.settle()
        let startup = await fleet.incidents
        guard startup.isEmpty else { throw ChaosRunError.startupFailed(startup) }
        settings.progress("\(plan.workers) workers ready; schedule of \(schedule.actions.count) actions over \(plan.duration.chaosSeconds) s starts")

        let producer = try KafkaProducer(configuration: broker.producerConfiguration(), logger: logger)
        let jobs = ChaosJobs(plan: plan, prefix: "chaos-\(schedule.seed)")
        let performance = await perform(jobs: jobs, producer: producer, fleet: fleet, stack: stack)
        await producer.close(timeout: .seconds(30))
        try Task.checkCancellation()

        // The schedule is over: the broker runs, every slot runs, queued faults are dropped. Faults have stopped.
        try? broker.resume()
        for slot in 0..<plan.workers { await fleet.start(slot, afterKill: false) }
        await fleet.settle()
        var incidents = performance.incidents
        do { try await simulator.clearFaults() } catch { incidents.append("could not clear the simulator's faults: \(error)") }
        let produced = performance.produced
        let ids = produced.map(\.jobID)
        let settled = await waitForTerminalEvents(of: ids, watch: watch, fleet: fleet)
        try Task.checkCancellation()
        for slot in 0..<plan.workers { await fleet.terminate(slot) }
        await fleet.settle()
        await fleet.checkExits()
        incidents += await fleet.incidents
        let stats = try await simulator.stats()
        await watch.stop()
        let (events, unreadable) = await watch.observed()
        return ChaosReport(judging: ChaosObservations(
            seed: schedule.seed, produced: produced, events: events, unreadableRecords: unreadable, stats: stats,
            reconciling: settings.reconciling, performed: performance.performed, stormed: schedule.stormedInjections,
            incidents: incidents, wallTime: started.duration(to: .now), settled: settled))
    }

    private func makeFleet(brokers: String, apiBaseURL: String) -> ChaosFleet {
        var environment = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("AVATAR_WORKER_") && !$0.key.hasPrefix("AVATAR_DEV_")
        }
        environment["COMETAPI_KEY"] = "chaos-simulator-key"
        let directory = settings.directory, executable = settings.executable
        let runner = self
        return ChaosFleet(workers: schedule.plan.workers, terminateWait: .seconds(30)) { [environment] slot, afterKill, generation in
            try await ChildProcess.start(
                executable: executable,
                arguments: runner.workerArguments(brokers: brokers, apiBaseURL: apiBaseURL, slot: slot, afterKill: afterKill),
                environment: environment,
                outputPath: directory.appendingPathComponent("worker-\(slot)-\(generation).out").path,
                errorPath: directory.appendingPathComponent("worker-\(slot)-\(generation).log").path)
        }
    }

    /// Runs `avatar-worker arguments` to completion.
    private func runToCompletion(_ arguments: [String]) async throws {
        let child = try await ChildProcess.start(
            executable: settings.executable, arguments: arguments,
            outputPath: settings.directory.appendingPathComponent("\(arguments[0]).out").path,
            errorPath: settings.directory.appendingPathComponent("\(arguments[0]).log").path)
        let exit = await child.waitForExit(timeout: .seconds(60))
        guard exit == .exited(0) else {
            await child.stop(grace: .seconds(1))
            throw ChaosRunError.commandFailed(arguments: arguments, stderr: child.errorTail())
        }
    }

    /// Waits until every job in `ids` has a terminal event (and no record arrived for 3 s, so late duplicates are
    /// in), at most ``Settings/settleTimeout``; false when time ran out.
    private func waitForTerminalEvents(of ids: [String], watch: ResultTopicWatch, fleet: ChaosFleet) async -> Bool {
        let deadline = ContinuousClock.now.advanced(by: settings.settleTimeout)
        var lastReport = ContinuousClock.now
        settings.progress("schedule over; waiting for every job to end (at most \(settings.settleTimeout.chaosSeconds) s)")
        while !Task.isCancelled {
            await fleet.checkExits()
            let missing = await watch.missing(of: ids)
            if missing == 0, await watch.quietFor >= .seconds(3) { return true }
            if ContinuousClock.now >= deadline {
                settings.progress("gave up waiting: \(missing) jobs still without a terminal event")
                return false
            }
            if lastReport.duration(to: .now) >= .seconds(10) {
                lastReport = .now
                settings.progress("  \(missing) of \(ids.count) jobs still without a terminal event")
            }
            try? await Task.sleep(for: .milliseconds(250))
        }
        return false
    }
}

/// Why a chaos run could not be judged.
public enum ChaosRunError: Error, CustomStringConvertible {
    /// A worker of the initial fleet failed to start.
    case startupFailed([String])
    /// A set-up command failed.
    case commandFailed(arguments: [String], stderr: String)
    /// The simulator refused a control request.
    case simulatorRefused(path: String, status: Int)
    /// The broker process ended although nobody stopped it.
    case brokerEnded(pid: Int32)

    /// What went wrong.
    public var description: String {
        switch self {
        case .startupFailed(let incidents): "the fleet did not start: \(incidents.joined(separator: "; "))"
        case .commandFailed(let arguments, let stderr):
            "`avatar-worker \(arguments.joined(separator: " "))` failed; stderr:\n\(stderr)"
        case .simulatorRefused(let path, let status): "the simulator answered \(status) to \(path)"
        case .brokerEnded(let pid): "the broker (pid \(pid)) has ended"
        }
    }
}

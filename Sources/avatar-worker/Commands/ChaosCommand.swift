import ArgumentParser
import ChaosHarness
import Foundation

/// `avatar-worker chaos`: the promises checked with real processes. Three workers in one group on the embedded
/// broker and the simulator (its own process), jobs produced while a seeded fault schedule kills, drains, stalls,
/// storms and rescales; then the result topic and the simulator's counters are judged. Exit status 1 on any
/// violation; the seed is printed and `--seed` repeats the schedule.
struct ChaosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chaos",
        abstract: "Run workers under a seeded fault schedule (kills, SIGTERM, broker stalls, API storms, scaling) and check every promise.",
        discussion: """
            Everything runs on this machine: a development broker (librdkafka's mock cluster as `avatar-worker \
            mock-broker`, or the embedded Tansu with --broker tansu), `avatar-worker simulate` and \
            `avatar-worker run` processes started from this binary, all on 127.0.0.1 and all stopped at the end \
            (also on Ctrl-C). Progress goes to stderr, the report to stdout. Exit status 0 when every promise held, \
            1 on any violation (each is listed), 2 on a usage error.
            """)

    @Option(help: "Jobs to produce (every fifth one invalid). Default 5000, or 300 with --short.")
    var jobs: Int?

    @Option(help: "The fault schedule's seed (printed by every run; the same seed gives the same schedule). Default: random.")
    var seed: UInt64?

    @Option(help: "Seconds the fault schedule lasts (jobs are produced during its first 70 %). Default 150, or 50 with --short.")
    var duration: Int?

    @Flag(help: "The short form CI runs: 300 jobs over a 50 s schedule, every fault kind at least once.")
    var short = false

    @Option(help: "Workers in the group.")
    var workers = 3

    @Option(help: "Partitions of every topic.")
    var partitions = 6

    @Option(name: .customLong("ambiguous-submission"),
            help: "The workers' policy for an unknown create outcome: reconcile-then-fail (the simulator answers queries by external_task_id) or fail.")
    var ambiguousSubmission = "reconcile-then-fail"

    @Flag(name: .customLong("exactly-once"), help: "Run the workers with --exactly-once.")
    var exactlyOnce = false

    @Option(name: .customLong("settle-timeout"), help: "Seconds to wait, once the schedule is over, for every job to end.")
    var settleTimeout = 300

    @Option(name: .customLong("report-json"), help: ArgumentHelp("Also write the report as JSON to this file.", valueName: "path"))
    var reportJSON: String?

    @Option(name: .customLong("log-directory"), help: "Where the processes' logs go (default: a new directory under the temporary directory).")
    var logDirectory: String?

    @Flag(name: .customLong("print-schedule"), help: "Only print the fault schedule for the seed and exit.")
    var printSchedule = false

    @Option(help: "The development broker: mock (librdkafka's mock cluster, its own process) or tansu (the embedded Tansu 0.6, whose group coordinator can keep a departed leader: docs/RELIABILITY.md).")
    var broker = "mock"

    @Option(name: .customLong("worker-kafka"),
            help: ArgumentHelp("A librdkafka property every worker also gets, as its --kafka (repeatable; e.g. debug=cgrp to log the group protocol).",
                               valueName: "key=value"))
    var workerKafka: [String] = []

    @Option(name: .customLong("worker-log-level"),
            help: "The workers' --log-level (debug also shows librdkafka's debug contexts asked for with --worker-kafka debug=…).")
    var workerLogLevel: String?

    func validate() throws {
        if let problem = plan.problem { throw ValidationError(problem) }
        guard ["reconcile-then-fail", "fail"].contains(ambiguousSubmission) else {
            throw ValidationError("--ambiguous-submission must be reconcile-then-fail or fail, got \(ambiguousSubmission)")
        }
        guard partitions >= workers, partitions <= 64 else {
            throw ValidationError("--partitions must be within \(workers)…64 (each worker must be able to own one), got \(partitions)")
        }
        guard ChaosBrokerKind(rawValue: broker) != nil else {
            throw ValidationError("--broker must be mock or tansu, got \(broker)")
        }
        for property in workerKafka where !property.contains("=") {
            throw ValidationError("--worker-kafka wants key=value, got \(property)")
        }
        if let workerLogLevel, !["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(workerLogLevel) {
            throw ValidationError("--worker-log-level: unknown level \(workerLogLevel)")
        }
        guard settleTimeout >= 10 else { throw ValidationError("--settle-timeout must be at least 10 s, got \(settleTimeout)") }
    }

    private var plan: ChaosPlan {
        var plan = short ? ChaosPlan.short() : ChaosPlan()
        if let jobs { plan.jobs = jobs }
        if let duration { plan.duration = .seconds(duration) }
        plan.workers = workers
        return plan
    }

    func run() async throws {
        let seed = seed ?? UInt64.random(in: 1...999_999)
        let schedule = ChaosSchedule(seed: seed, plan: plan)
        if printSchedule {
            schedule.lines.forEach(StandardOutput.line)
            return
        }
        let directory = logDirectory.map { URL(fileURLWithPath: $0) } ?? FileManager.default.temporaryDirectory
            .appendingPathComponent("avatar-chaos-\(seed)-\(getpid())")
        var settings = ChaosRunner.Settings(executable: DemoStack.ownExecutable(), directory: directory) { StandardOutput.error($0) }
        settings.partitions = partitions
        settings.reconciling = ambiguousSubmission == "reconcile-then-fail"
        settings.exactlyOnce = exactlyOnce
        settings.settleTimeout = .seconds(settleTimeout)
        settings.workerKafkaProperties = workerKafka
        settings.broker = ChaosBrokerKind(rawValue: broker) ?? .mock
        settings.workerLogLevel = workerLogLevel
        header(schedule, settings: settings).forEach(StandardOutput.line)

        let runner = ChaosRunner(schedule: schedule, settings: settings)
        let outcome = await InterruptSignal.run { try await runner.run() }
        if outcome.signal != nil {
            StandardOutput.error("interrupted: everything the run started has been stopped (seed \(seed))")
            throw ExitCode(130)
        }
        let report: ChaosReport
        switch outcome.result {
        case .success(let value): report = value
        case .failure(let error):
            StandardOutput.error("chaos: the run could not be judged: \(error) (seed \(seed); logs in \(directory.path))")
            throw ExitCode(1)
        }
        report.lines.forEach(StandardOutput.line)
        StandardOutput.line("logs in \(directory.path)")
        if let reportJSON { try report.json().write(to: URL(fileURLWithPath: reportJSON), options: .atomic) }
        if !report.passed { throw ExitCode(1) }
    }

    private func header(_ schedule: ChaosSchedule, settings: ChaosRunner.Settings) -> [String] {
        let plan = schedule.plan
        var repeatLine = "avatar-worker chaos --seed \(schedule.seed) --jobs \(plan.jobs) --duration \(plan.duration.components.seconds)"
        if workers != 3 { repeatLine += " --workers \(workers)" }
        if partitions != 6 { repeatLine += " --partitions \(partitions)" }
        if !settings.reconciling { repeatLine += " --ambiguous-submission fail" }
        if exactlyOnce { repeatLine += " --exactly-once" }
        if broker != "mock" { repeatLine += " --broker \(broker)" }
        for property in workerKafka { repeatLine += " --worker-kafka \(property)" }
        if let workerLogLevel { repeatLine += " --worker-log-level \(workerLogLevel)" }
        let counts = schedule.countsByKind
        return [
            "chaos: seed \(schedule.seed) (repeat: \(repeatLine))",
            "  \(plan.jobs) jobs, \(plan.workers) workers in one group, \(settings.partitions) partitions, schedule of \(plan.duration.chaosSeconds) s: "
                + ChaosAction.Kind.allCases.map { "\(counts[$0] ?? 0) \($0.rawValue)" }.joined(separator: ", "),
            "  broker stalls: " + schedule.stallDurations.map { "\($0.chaosSeconds) s" }.joined(separator: ", ")
                + " (session timeout \(plan.sessionTimeout.chaosSeconds) s)",
            "  workers restarted after SIGKILL run with --prior-owner-grace \(plan.afterKillGraceFlag), as the end-to-end "
                + "tests give a successor (no prior owner is alive to report a create); every other start keeps the default "
                + "(request timeout \(ChaosRunner.requestTimeout) + 10 s)",
            "  unknown create outcomes: " + (settings.reconciling
                ? "reconcile-then-fail (query by external_task_id, which the simulator answers)"
                : "fail (the worker's default: submission.ambiguous at once)")
                + (settings.exactlyOnce ? "; --exactly-once" : "; at least once (the default)"),
        ]
    }
}

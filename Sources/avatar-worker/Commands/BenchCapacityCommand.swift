import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker bench capacity`: one worker process carrying 10,000, 50,000 and 100,000 tasks in flight (simulator
/// tasks that outlive the benchmark), polled at the rate the poll budget allows; at each level, in steady state, its
/// resident memory, CPU share and polls per second, and the CPU per poll.
///
/// The baseline measured in the same run is the same worker with no task in flight (level 0): its memory is what the
/// tasks add to, and its CPU what they cost beyond idling. At every level the tasks want more polls than the budget
/// allows (a task is due every `--poll-interval`), so the poll rate is the budget's at every level: equal CPU across
/// levels then shows that CPU follows the poll rate, not the task count.
struct BenchCapacityCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "capacity",
        abstract: "Memory, CPU share and polls/s of one worker at 10k, 50k and 100k tasks in flight.")

    @OptionGroup var workerOptions: BenchWorkerArguments

    @Option(help: "Tasks in flight at each measured level, ascending, comma-separated.")
    var levels = "10000,50000,100000"

    @Option(help: "Partitions of each topic.")
    var partitions: Int32 = 4

    @Option(help: "The worker's --poll-requests-per-second (the budget every level is polled at).")
    var pollRate = 500

    @Option(help: "Seconds of each steady-state window.")
    var window = 20

    @Option(help: "The worker's --max-concurrent-creates while the levels are filled.")
    var createConcurrency = 32


    var parsedLevels: [Int] { levels.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        let values = parsedLevels
        guard !values.isEmpty, values.allSatisfy({ $0 > 0 }), values == values.sorted(),
              values.count == levels.split(separator: ",").count
        else { throw ValidationError("--levels must be positive ascending integers, e.g. 10000,50000,100000") }
        guard partitions > 0, pollRate > 0, window > 0, createConcurrency > 0 else {
            throw ValidationError("--partitions, --poll-rate, --window and --create-concurrency must be positive")
        }
    }

    /// One level's steady state.
    struct Level {
        var tasks: Int
        var residentBytes: Int
        var anonymousBytes: Int
        var cpuShare: Double
        var pollsPerSecond: Double
        var cpuPerPoll: Double? { pollsPerSecond > 0 ? cpuShare / pollsPerSecond : nil }
    }

    func run() async throws {
        let values = parsedLevels
        let runID = UUID().uuidString.prefix(6).lowercased()
        try await BenchRig.with(taskSeconds: "100000-100000", name: "capacity") { rig in
            let topics = try await rig.createTopics(prefix: "cap-\(runID)", partitions: partitions)
            // Each partition's share of the cap must hold its part of the top level however the keys spread.
            let cap = values.last! + values.last! / 5
            let arguments = rig.baseWorkerArguments(topics: topics, workerID: "cap-\(runID)-worker") + [
                "--fleet-in-flight-cap", "\(cap)", "--max-concurrent-creates", "\(createConcurrency)",
                "--poll-requests-per-second", "\(pollRate)", "--poll-burst", "\(pollRate)",
            ] + workerOptions.arguments
            let worker = try await rig.startWorker(arguments, name: "cap-\(runID)-worker")
            try await worker.waitUntilReady()
            benchSay("bench capacity: levels \(values.map(String.init).joined(separator: ", ")) tasks in flight, \(partitions) partitions, \(window) s windows; \(benchBuildNote)")
            benchSay("worker: \(worker.command)")
            benchSay("  (differs from the defaults: a fleet cap above the top level, \(createConcurrency) concurrent creates to fill the levels sooner, a poll budget of \(pollRate)/s, the log level; polls keep their default first delay and interval, so every level wants more polls than the budget)")
            let producer = try rig.makeProducer()
            var measured: [Level] = []
            do {
                measured.append(try await steadyState(tasks: 0, worker: worker, rig: rig))
                report(measured.last!)
                var produced = 0
                for level in values {
                    try await rig.produceJobs(produced..<level, prefix: "cap-\(runID)", to: topics, producer: producer)
                    produced = level
                    let filling = ContinuousClock.now
                    try await BenchRig.waitUntil("\(level) tasks created", timeout: .seconds(Int64(level / 20 + 120)), interval: .seconds(1)) {
                        try await rig.simulator.stats(brief: true).createsTotal >= level
                    }
                    try await BenchRig.waitUntil("\(level) tasks in flight", timeout: .seconds(60), interval: .seconds(1)) {
                        try await worker.metrics().sum("avatar_worker_tasks_in_flight") >= Double(level)
                    }
                    benchSay(String(format: "  %d tasks created and in flight after %.0f s of filling", level, (ContinuousClock.now - filling).seconds))
                    measured.append(try await steadyState(tasks: level, worker: worker, rig: rig))
                    report(measured.last!)
                }
            } catch {
                await producer.close()
                await worker.stop(grace: .seconds(5))
                throw error
            }
            await producer.close()
            await worker.stop(grace: .seconds(5))
            summarize(measured)
        }
    }

    /// Waits a settling spell, then samples over `window` seconds: RSS at the end, CPU share, the simulator's
    /// queries per second.
    private func steadyState(tasks: Int, worker: BenchRig.WorkerProcess, rig: BenchRig) async throws -> Level {
        try await Task.sleep(for: .seconds(5))
        let queries = try await rig.simulator.stats(brief: true).queriesTotal
        let cpu = worker.cpuSeconds()
        let started = ContinuousClock.now
        var peak = 0
        var anonymous = 0
        for _ in 0..<window {
            try await Task.sleep(for: .seconds(1))
            peak = max(peak, worker.residentBytes())
            anonymous = max(anonymous, worker.anonymousBytes())
        }
        let elapsed = (ContinuousClock.now - started).seconds
        let polls = Double(try await rig.simulator.stats(brief: true).queriesTotal - queries) / elapsed
        return Level(tasks: tasks, residentBytes: peak, anonymousBytes: anonymous, cpuShare: (worker.cpuSeconds() - cpu) / elapsed, pollsPerSecond: polls)
    }

    private func report(_ level: Level) {
        benchSay(String(
            format: "%7d tasks: resident %6.1f MB (heap and stacks %6.1f MB), CPU %5.1f %% of a core, %6.0f polls/s%@",
            level.tasks, Double(level.residentBytes) / 1_048_576, Double(level.anonymousBytes) / 1_048_576,
            level.cpuShare * 100, level.pollsPerSecond,
            level.cpuPerPoll.map { String(format: ", %.0f µs CPU per poll", $0 * 1e6) } ?? ""))
    }

    private func summarize(_ levels: [Level]) {
        guard let idle = levels.first, let top = levels.last, levels.count >= 2 else { return }
        let perTask = Double(top.anonymousBytes - idle.anonymousBytes) / Double(top.tasks)
        let busy = levels.dropFirst()
        let perPoll = busy.compactMap(\.cpuPerPoll)
        let spread = (perPoll.max() ?? 0) / max(perPoll.min() ?? 1, 1e-12)
        benchSay("""

            summary:
              resident at \(top.tasks) tasks: \(String(format: "%.1f", Double(top.residentBytes) / 1_048_576)) MB (target <= 300 MB: \(top.residentBytes <= 300 << 20 ? "met" : "NOT met")); idle worker \(String(format: "%.1f", Double(idle.residentBytes) / 1_048_576)) MB
              memory per task in flight: \(String(format: "%.2f", perTask / 1024)) KB of heap above the idle worker (a typical Python worker: about 17 KB, 1.7 GB at 100,000)
              CPU per poll across levels: \(perPoll.map { String(format: "%.0f µs", $0 * 1e6) }.joined(separator: ", ")) (max/min \(String(format: "%.2f", spread)); CPU follows the poll rate, not the task count, when this stays near 1)
              idle CPU (no task): \(String(format: "%.2f", idle.cpuShare * 100)) % of a core
            """)
    }
}

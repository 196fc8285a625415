import AvatarWorker
import Foundation
import Synchronization

/// Runs the pipeline core in the simulated world: one seed, or many in parallel, with the invariants checked after
/// every run. A failing seed is a permanent bug report: `avatar-worker explore --seed N` replays it exactly and prints
/// the offending job's trace.
public enum PipelineSimulation {
    /// Runs one scenario; with `tracing`, records every event of that job.
    public static func run(_ scenario: SimulationScenario, tracing jobID: String? = nil) -> SimulationResult {
        SimulatedWorld(scenario: scenario, tracing: jobID).run()
    }

    /// Runs one scenario and, when an invariant broke, runs it again tracing the offending job.
    public static func runExplaining(_ scenario: SimulationScenario) -> SimulationResult {
        let result = run(scenario)
        guard let violation = result.violation, let jobID = violation.jobID else { return result }
        return run(scenario, tracing: jobID)
    }

    /// Runs the seeds `seeds` (each with its own swarm of faults) on `parallelism` threads and sums up.
    ///
    /// With `lowPriority`, each lane is a thread of its own at the lowest scheduling priority (nice 19), so a batch
    /// run inside `swift test` yields the CPU to tests that wait on brokers and child processes instead of starving
    /// them; the batch then takes whatever CPU is left.
    public static func explore(
        seeds: [UInt64], jobs: Int? = nil, plantedBug: String? = nil,
        parallelism: Int = ProcessInfo.processInfo.activeProcessorCount,
        stopAtFirstFailure: Bool = false, lowPriority: Bool = false
    ) async -> ExplorationSummary {
        let started = ContinuousClock.now
        let stop = StopFlag()
        let lanes = max(1, parallelism)
        @Sendable func lane(_ lane: Int) -> [SimulationResult] {
            var mine: [SimulationResult] = []
            var index = lane
            while index < seeds.count {
                if stopAtFirstFailure && stop.isSet { break }
                let scenario = SimulationScenario.random(seed: seeds[index], jobs: jobs, plantedBug: plantedBug)
                let result = run(scenario)
                if result.violation != nil { stop.set() }
                mine.append(result)
                index += lanes
            }
            return mine
        }
        let results = await withTaskGroup(of: [SimulationResult].self) { group in
            for index in 0..<lanes {
                group.addTask {
                    guard lowPriority else { return lane(index) }
                    return await withCheckedContinuation { continuation in
                        let thread = Thread {
                            lowerThisThreadsPriority()
                            continuation.resume(returning: lane(index))
                        }
                        thread.name = "simulation-lane-\(index)"
                        thread.start()
                    }
                }
            }
            var all: [SimulationResult] = []
            for await lane in group { all += lane }
            return all
        }
        var faults = FaultCounters()
        for result in results { faults.add(result.faults) }
        let sorted = results.sorted { $0.scenario.seed < $1.scenario.seed }
        let failures = sorted.filter { $0.violation != nil }
        return ExplorationSummary(
            seedsRun: results.count, results: sorted, failures: failures, faults: faults,
            steps: results.reduce(0) { $0 + $1.steps }, seconds: (ContinuousClock.now - started).inSeconds)
    }
}

/// What a batch of seeds found.
public struct ExplorationSummary: Sendable {
    /// Seeds run.
    public let seedsRun: Int
    /// Every run, by seed.
    public let results: [SimulationResult]
    /// The runs that broke an invariant, by seed.
    public let failures: [SimulationResult]
    /// Faults injected over all runs, by kind.
    public let faults: FaultCounters
    /// World events handled over all runs.
    public let steps: Int
    /// Wall time of the batch.
    public let seconds: Double

    /// Seeds per second of wall time.
    public var seedsPerSecond: Double { seconds > 0 ? Double(seedsRun) / seconds : 0 }
}

/// Moves the calling thread to Linux's idle scheduling class, which runs it only when no other thread wants the CPU.
/// `sched_setscheduler` with pid 0 acts on the calling thread alone; where it fails, the lane simply runs at normal
/// priority.
private func lowerThisThreadsPriority() {
    #if os(Linux)
    // SCHED_IDLE from <linux/sched.h>; glibc declares it only under _GNU_SOURCE, which Swift's Glibc module lacks.
    let idleClass: Int32 = 5
    var parameters = sched_param(sched_priority: 0)
    _ = sched_setscheduler(0, idleClass, &parameters)
    #endif
}

extension Duration {
    var inSeconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}

/// Tells the other lanes of an exploration that one found a failure.
private final class StopFlag: Sendable {
    private let flag = Atomic<Bool>(false)
    var isSet: Bool { flag.load(ordering: .relaxed) }
    func set() { flag.store(true, ordering: .relaxed) }
}

extension PipelineSimulation {
    /// Development aid: the world's view of partitions and workers at the end of a run.
    public static func debugState(_ scenario: SimulationScenario) -> String {
        let world = SimulatedWorld(scenario: scenario)
        world.countsEvents = true
        _ = world.run()
        var lines: [String] = ["events \(world.eventCounts.sorted { $0.value > $1.value }.prefix(8))"]
        lines.append("owners \(world.coordinator.owner.sorted { $0.key < $1.key }) members \(world.coordinator.members) rebalancing \(world.coordinator.rebalancing) awaiting \(world.coordinator.awaiting)")
        for worker in world.workers {
            if let core = world.cores[worker.slot] { lines.append("  timers fired \(core.firedTimers.sorted { $0.key < $1.key })"); lines.append("  " + core.queueSummary); lines += core.jobSummaries.prefix(12).map { "  " + $0 } }
            lines.append("\(worker.name) running \(worker.running) assigned \(worker.assigned.keys.sorted()) paused \(worker.paused.sorted()) pos \(worker.position.sorted { $0.key < $1.key }) core \(world.cores[worker.slot]?.partitionStatus.map { "\($0.partition):\($0.phase):\($0.tasksInFlight)/\($0.inFlightLimit)" } ?? [])")
        }
        lines.append("committed \(world.committed) logs \(world.jobsLog.map(\.count))")
        return lines.joined(separator: "\n")
    }
}

import ArgumentParser
import Foundation
import PipelineSimulation

/// `avatar-worker explore`: runs the pipeline core in the deterministic simulation, any number of seeds.
struct ExploreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explore",
        abstract: "Run the pipeline's rules against a simulated Kafka, CometAPI and crashing workers, seed by seed.",
        discussion: """
            Each seed picks its own workload and fault mix (SIGKILLs, SIGTERMs, scaling, broker stalls shorter and \
            longer than the session timeout, API storms, lost create answers, 1303 and account errors, Kafka write, \
            commit and read failures) and checks every promise after the run. A failing seed replays exactly: \
            `avatar-worker explore --seed N` prints the broken invariant and the offending job's trace.

            Examples:
              avatar-worker explore --seeds 10000
              avatar-worker explore --seed 4711
            """)

    @Option(help: "How many seeds to run (from --first).")
    var seeds = 1000

    @Option(help: "The first seed of the batch.")
    var first: UInt64 = 1

    @Option(help: "Run this one seed and print its scenario, outcome and, on a violation, the job's trace.")
    var seed: UInt64?

    @Option(help: "Jobs per seed (default: the seed picks 120-250).")
    var jobs: Int?

    @Option(help: "Lanes to run seeds on in parallel (default: every core).")
    var parallelism = ProcessInfo.processInfo.activeProcessorCount

    @Flag(help: "Print a digest of each seed's run (two runs of one seed must print the same).")
    var fingerprints = false

    func run() async throws {
        if let seed {
            let result = PipelineSimulation.runExplaining(.random(seed: seed, jobs: jobs))
            print(result.scenario)
            print("\(result.steps) events, \(Int(result.virtualSeconds)) virtual seconds, "
                + "\(result.jobsEnded)/\(result.scenario.jobs) jobs ended, fingerprint \(String(result.fingerprint, radix: 16))")
            guard let violation = result.violation else {
                print("every invariant held")
                return
            }
            print("VIOLATION \(violation)")
            for line in result.trace { print("  \(line)") }
            throw ExitCode(1)
        }
        guard seeds > 0 else { throw ValidationError("--seeds must be at least 1") }
        let batch = Array(first..<(first + UInt64(seeds)))
        let summary = await PipelineSimulation.explore(seeds: batch, jobs: jobs, parallelism: parallelism)
        print(String(format: "%d seeds in %.1f s: %.1f seeds/s, %d world events, %d failed",
                     summary.seedsRun, summary.seconds, summary.seedsPerSecond, summary.steps, summary.failures.count))
        print("faults injected:")
        for (kind, count) in summary.faults.counts.sorted(by: { $0.key < $1.key }) {
            print("  \(kind): \(count)")
        }
        if fingerprints {
            for result in summary.results { print("seed \(result.scenario.seed) fingerprint \(String(result.fingerprint, radix: 16))") }
        }
        guard !summary.failures.isEmpty else { return }
        for failure in summary.failures.prefix(20) {
            print("seed \(failure.scenario.seed): \(failure.violation!)  (replay: avatar-worker explore --seed \(failure.scenario.seed))")
        }
        throw ExitCode(1)
    }
}

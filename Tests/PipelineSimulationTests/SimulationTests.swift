import AvatarWorker
import Foundation
import PipelineSimulation
import Testing

/// The pipeline core in the deterministic simulation: every promise over a thousand seeds, the harness's teeth,
/// and exact replay.
@Suite("Deterministic simulation of the pipeline core")
struct SimulationTests {
    /// Seeds `swift test` runs; `avatar-worker explore --seeds N` runs any number.
    static let seeds: [UInt64] = Array(1...1000)

    @Test("1,000 seeds of crashes, rebalances, stalls and API faults: every invariant holds")
    func thousandSeeds() async {
        let summary = await PipelineSimulation.explore(seeds: Self.seeds, lowPriority: true)
        #expect(summary.seedsRun == Self.seeds.count)
        for failure in summary.failures.prefix(5) {
            let explained = PipelineSimulation.runExplaining(failure.scenario)
            Issue.record("""
                seed \(failure.scenario.seed): \(failure.violation.map(String.init(describing:)) ?? "")
                \(failure.scenario)
                replay: avatar-worker explore --seed \(failure.scenario.seed)
                \(explained.trace.joined(separator: "\n"))
                """)
        }
        #expect(summary.failures.isEmpty)
        // The swarm reaches every fault kind in a batch this size.
        for kind in [
            "SIGKILL", "SIGTERM", "scale to one worker", "broker stall > session timeout", "broker stall < session timeout",
            "partitions lost", "create 5xx", "create 1302", "create 1303 (parallel limit)", "create 1101 (account)",
            "create 1201 (permanent)", "create answer lost after the task was created",
            "create reset before the request was read", "poll 5xx", "produce failed", "commit failed",
            "ledger read failed", "transaction aborted", "account gate closed", "rebalance",
            "ledger scan failed", "checkpoint commit failed", "SIGKILL during a checkpoint commit",
        ] {
            #expect((summary.faults.counts[kind] ?? 0) > 0, "no seed injected \(kind)")
        }
    }

    /// What each planted mistake must break, found within `teethSeeds` seeds.
    static let expectedBreaks: [(PipelineCore.PlantedBug, Set<SimulationViolation.Invariant>)] = [
        (.tombstoneBeforeCommit, [.tombstoneBeforeCommit]),
        (.offsetDurableAtSubmitting, [.commitPastUndurableJob]),
        (.restoreSkipsSubmitting, [.createdTwice, .jobWithoutEnd, .unexplainedDuplicate, .ledgerNotClean]),
        (.restoredTasksTakeNoSlot, [.shareExceeded, .capExceeded]),
        (.revocationSendsQueuedCreates, [.createdTwice, .unexplainedAmbiguity, .unexplainedDuplicate]),
        (.revocationKeepsUnsentRecords, [.unexplainedAmbiguity]),
        (.revocationDropsFinishedJobs, [.unexplainedDuplicate, .ledgerNotClean]),
        (.checkpointPastSubmitting, [.checkpointPastLiveRecord]),
    ]
    static let teethSeeds: UInt64 = 100

    @Test("each planted mistake is caught within 100 seeds", arguments: Self.expectedBreaks.map(\.0))
    func teeth(bug: PipelineCore.PlantedBug) async throws {
        let expected = try #require(Self.expectedBreaks.first { $0.0 == bug }?.1)
        let summary = await PipelineSimulation.explore(
            seeds: Array(1...Self.teethSeeds), plantedBug: bug.rawValue, stopAtFirstFailure: true, lowPriority: true)
        let caught = try #require(summary.failures.first, "\(bug.rawValue) went unnoticed in \(Self.teethSeeds) seeds")
        let invariant = try #require(caught.violation?.invariant)
        #expect(expected.contains(invariant), "\(bug.rawValue) broke \(invariant.rawValue) at seed \(caught.scenario.seed)")
    }

    @Test("checkpoints stay below every live record when workers die in the middle of committing them")
    func crashesWhileAdvancingCheckpoints() {
        var killedMidCommit = 0
        var checkpointsCommitted = 0
        var restoresFromCheckpoint = 0
        for seed: UInt64 in 1...30 {
            var scenario = SimulationScenario.random(seed: seed, jobs: 80)
            scenario.checkpointInterval = 0.5
            scenario.checkpointCrash = 0.3
            let result = PipelineSimulation.run(scenario)
            #expect(result.violation == nil, "seed \(seed): \(result.violation?.description ?? "")")
            killedMidCommit += result.faults.counts["SIGKILL during a checkpoint commit"] ?? 0
            checkpointsCommitted += result.checkpointsCommitted
            restoresFromCheckpoint += result.restoresFromCheckpoint
        }
        #expect(killedMidCommit > 30, "workers were killed with a checkpoint commit in flight")
        #expect(checkpointsCommitted > 100, "checkpoints did move")
        #expect(restoresFromCheckpoint > 30, "restores started at them")
    }

    @Test("a seed replays exactly: the same events, results and commits")
    func replay() {
        for seed: UInt64 in [3, 17, 4711] {
            let first = PipelineSimulation.run(.random(seed: seed))
            let second = PipelineSimulation.run(.random(seed: seed))
            #expect(first.fingerprint == second.fingerprint, "seed \(seed)")
            #expect(first.steps == second.steps, "seed \(seed)")
            #expect(first.virtualSeconds == second.virtualSeconds, "seed \(seed)")
        }
    }

    @Test("different seeds explore different runs")
    func seedsDiffer() {
        let fingerprints = Set((1...20 as ClosedRange<UInt64>).map { PipelineSimulation.run(.random(seed: $0)).fingerprint })
        #expect(fingerprints.count == 20)
    }
}

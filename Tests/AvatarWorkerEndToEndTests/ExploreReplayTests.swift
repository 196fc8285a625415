import Foundation
import PipelineSimulation
import Testing
import TestSupport
import WorkerTestSupport

/// `avatar-worker explore --seed N` replays a seed exactly, also in another process: every process hashes with a
/// seed of its own, so a rule that let the iteration order of a hashed collection decide would show up here.
@Suite("Simulation replay across processes")
struct ExploreReplayTests {
    @Test("two processes replay seed 4711 to the same fingerprint as this one")
    func replayAcrossProcesses() throws {
        let binary = try WorkerProcess.binaryPath()
        let expected = String(PipelineSimulation.run(.random(seed: 4711)).fingerprint, radix: 16)
        for _ in 0..<2 {
            let output = try ExternalTool.run("env", ["-u", "SWIFT_DETERMINISTIC_HASHING", binary, "explore", "--seed", "4711"])
            let text = String(decoding: output.stdout, as: UTF8.self)
            #expect(output.status == 0, "\(text)\n\(output.stderr)")
            #expect(text.contains("fingerprint \(expected)"), "\(text)")
            #expect(text.contains("every invariant held"))
        }
    }
}

import AvatarJobs
import Foundation
@testable import HostileInput
import Testing
import WorkerTestSupport

/// The short form of `avatar-worker fuzz`: a few thousand hostile messages through the built `avatar-worker run`
/// on its own broker and simulator, with the same checks as the long run (docs/RELIABILITY.md, "Hostile input").
@Suite struct HostileInputRunTests {
    @Test("3,000 hostile messages: no crash or stall, each one a typed outcome, offsets at the end, memory flat",
          .timeLimit(.minutes(6)))
    func shortRun() async throws {
        var options = HostileInputRun.Options(messages: 3000, seed: 20_251_202, workerExecutable: try WorkerProcess.binaryPath())
        options.allowedMemoryGrowth = 96 * 1024 * 1024
        let report = try await HostileInputRun(options: options).run()
        #expect(report.violations.isEmpty, "\(report.summary)")
        #expect(report.produced == 3000)
        #expect(report.succeeded + report.failed + report.deadLettered == 3000)
        // The mix must exercise all three outcomes, or the run proves less than it claims.
        #expect(report.succeeded > 100 && report.failed > 500 && report.deadLettered > 300, "\(report.summary)")
        #expect(report.createsTotal >= report.succeeded)
        #expect(report.ends.values.reduce(0, +) == 3000)
    }

    @Test("the accounting reports a message without an outcome and an untyped code")
    func accountingCatchesGaps() async throws {
        let board = OutcomeBoard()
        await board.add([
            .init(index: 0, jobID: "a", mutations: ["none"], family: "none", otherJobIDs: [], partition: 0, offset: 0),
            .init(index: 1, jobID: "b", mutations: ["truncate"], family: "truncate", otherJobIDs: [], partition: 0, offset: 1),
            .init(index: 2, jobID: "c", mutations: ["type-swap:mode"], family: "type-swap", otherJobIDs: [], partition: 0, offset: 2),
        ])
        var event = AvatarResultEvent(
            type: .failed, jobID: "c", attempt: 1, occurredAt: Date(timeIntervalSince1970: 0), worker: .init(id: "w"))
        event.error = ResultError(code: "oops", message: "not a code", retryable: false)
        await board.addResult(.init(
            topic: "r", partition: 0, offset: 0, key: Array("c".utf8), value: try ContractCoding.encode(event), headers: []))
        #expect(await board.settledCount == 1)
        let accounting = await board.account(knownCodes: HostileInputReport.knownCodes)
        #expect(accounting.unsettled.map(\.jobID) == ["a", "b"])
        #expect(accounting.violations.contains { $0.contains("untyped code 'oops'") })
    }

    @Test("memory that keeps growing breaks the flat rule; a plateau does not")
    func memoryRule() {
        var flat = MemorySamples()
        for bytes in [100, 150, 160, 158, 161].map({ $0 << 20 }) { flat.append(bytes) }
        flat.warmUpCount = 1
        #expect(flat.violation(allowedGrowth: 64 << 20) == nil)
        var leaking = flat
        leaking.append(400 << 20)
        #expect(leaking.violation(allowedGrowth: 64 << 20) != nil)
    }
}

import AvatarJobs
import Foundation
import Kafka
import TestSupport
import Testing
import WorkerTestSupport

extension EndToEnd {
    /// `kill -9` at each point where a crash could lose a job or pay for it twice, then a fresh process.
    @Suite struct Crashes {
        /// The failpoints of the process contract, each hit on its third pass so some jobs are further along.
        static let failpoints = ["after-submitting:3", "after-create:3", "while-polling:3", "after-result:3"]

        @Test("SIGKILL at a failpoint, then a new worker: every job ends once, nothing created twice",
              .timeLimit(.minutes(3)), arguments: failpoints)
        func crashAndRecover(failpoint: String) async throws {
            var simulator = EndToEndStack.fastSimulator(queryByExternalID: true)
            // The polling failpoint needs answers that say "running": tasks long enough for late polls to get them.
            if failpoint.hasPrefix("while-polling") { simulator.taskSeconds = 3...5 }
            try await EndToEndStack.with(simulator: simulator) { stack in
                let jobs = EndToEndJobs.mix(prefix: UniqueName.make("crash"), count: 24)
                let collector = await stack.resultCollector()
                let doomed = try await stack.startWorker(reconcilingWorker, failpoint: failpoint)
                try await stack.produce(jobs)
                let exit = await doomed.waitForExit(timeout: .seconds(60))
                #expect(exit == .signalled(SIGKILL), "the failpoint \(failpoint) did not kill the worker: \(doomed.logTail())")

                let successor = try await stack.startWorker(reconcilingWorker + afterKill)
                let ids = Set(jobs.map(\.jobID))
                try await collector.waitForTerminalEvents(of: ids, within: .seconds(90), thenQuiet: .seconds(2))

                await expectSettled(jobs, ambiguityAllowed: true, collector: collector, stack: stack)
                #expect(await successor.terminate(within: .seconds(15)) == .exited(0))
            }
        }

        @Test("After-create crash under the default policy: the unknown outcome fails as submission.ambiguous, never a second create",
              .timeLimit(.minutes(3)))
        func ambiguousSubmissionFailsByDefault() async throws {
            try await EndToEndStack.with { stack in
                let jobs = (0..<8).map { EndToEndJobs.valid("\(stack.group)-amb-\($0)") }
                let collector = await stack.resultCollector()
                let doomed = try await stack.startWorker(failpoint: "after-create:2")
                try await stack.produce(jobs)
                #expect(await doomed.waitForExit(timeout: .seconds(60)) == .signalled(SIGKILL))

                let successor = try await stack.startWorker(afterKill)
                let ids = Set(jobs.map(\.jobID))
                try await collector.waitForTerminalEvents(of: ids, within: .seconds(90), thenQuiet: .seconds(2))

                let contract = await collector.contractViolations(for: ids)
                #expect(contract == [])
                let outcomes = await collector.outcomeViolations(for: jobs, allowedFailures: ["submission.ambiguous"])
                #expect(outcomes == [])
                let ambiguous = await collector.terminalEvents().values.compactMap(\.first)
                    .filter { $0.error?.code == "submission.ambiguous" }
                #expect(!ambiguous.isEmpty, "the job whose create answered before the crash must fail as ambiguous")
                let stats = stack.simulator.stats()
                #expect(stats.doubleBilledExternalTaskIDs == [])
                #expect(stats.duplicateExternalTaskIDRejections == 0, "a create was attempted again for a known task")
                #expect(stats.createsTotal <= jobs.count)
                #expect(await successor.terminate(within: .seconds(15)) == .exited(0))
            }
        }
    }
}

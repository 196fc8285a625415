import AvatarJobs
import CometAPISimulator
import Foundation
import Kafka
import TestSupport
import Testing
import WorkerTestSupport

extension EndToEnd {
    /// Several workers in one group: partitions move, work is handed over and never done twice.
    @Suite struct Group {
        @Test("Two workers, one killed mid-run: the other finishes every job", .timeLimit(.minutes(3)))
        func survivorFinishesEverything() async throws {
            try await EndToEndStack.with(partitions: 4, simulator: EndToEndStack.fastSimulator(queryByExternalID: true)) { stack in
                let jobs = EndToEndJobs.mix(prefix: UniqueName.make("pair"), count: 80)
                let collector = await stack.resultCollector()
                let victim = try await stack.startWorker(reconcilingWorker)
                // The victim is SIGKILLed, so no prior owner can report a create in flight: the survivor need not wait
                // the default grace before it judges the victim's `submitting` records.
                let survivor = try await stack.startWorker(reconcilingWorker + afterKill)
                try await stack.produce(jobs)
                try await waitUntil("a third of the tasks created", within: .seconds(60)) {
                    stack.simulator.stats().createsTotal >= 20
                }
                #expect(await victim.kill() == .signalled(SIGKILL))

                let ids = Set(jobs.map(\.jobID))
                try await collector.waitForTerminalEvents(of: ids, within: .seconds(120), thenQuiet: .seconds(2))

                await expectSettled(jobs, ambiguityAllowed: true, collector: collector, stack: stack)
                #expect(survivor.process.exit == nil, "the survivor must still run: \(survivor.logTail())")
                #expect(await survivor.terminate(within: .seconds(15)) == .exited(0))
            }
        }

        @Test("SIGTERM hands in-flight work back within the drain deadline; the next worker resumes without resubmitting",
              .timeLimit(.minutes(3)))
        func gracefulHandOver() async throws {
            var slowTasks = EndToEndStack.fastSimulator()
            slowTasks.taskSeconds = 4...6
            try await EndToEndStack.with(simulator: slowTasks) { stack in
                let jobs = (0..<30).map { EndToEndJobs.valid("\(stack.group)-drain-\($0)") }
                let collector = await stack.resultCollector()
                let first = try await stack.startWorker()
                try await stack.produce(jobs)
                try await waitUntil("ten tasks in flight", within: .seconds(60)) {
                    stack.simulator.stats().createsTotal >= 10
                }
                let drainStarted = ContinuousClock.now
                // --drain-deadline 10s; the worker gives the rest of its shutdown 10 s more.
                let exit = await first.terminate(within: .seconds(25))
                #expect(exit == .exited(0), "graceful shutdown outlasted its deadlines: \(first.logTail())")
                #expect(ContinuousClock.now - drainStarted < .seconds(20))
                let endedEarly = await collector.terminalEvents().count
                #expect(endedEarly < jobs.count, "no work was in flight at SIGTERM: the test proves nothing")

                let second = try await stack.startWorker()
                let ids = Set(jobs.map(\.jobID))
                try await collector.waitForTerminalEvents(of: ids, within: .seconds(90), thenQuiet: .seconds(2))

                await expectSettled(jobs, collector: collector, stack: stack)
                #expect(stack.simulator.stats().duplicateExternalTaskIDRejections == 0, "a handed-over task was resubmitted")
                #expect(await second.terminate(within: .seconds(15)) == .exited(0))
            }
        }
    }
}

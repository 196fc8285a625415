import AvatarJobs
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import TestSupport
import Testing
import WorkerTestSupport

extension EndToEnd {
    /// A misbehaving API and a stalled broker: every job still ends, exactly once, and is paid for at most once.
    @Suite struct Disruptions {
        @Test("Permanent API errors fail the job fast, without a task", .timeLimit(.minutes(2)))
        func permanentErrorsFailFast() async throws {
            try await EndToEndStack.with(partitions: 2) { stack in
                let collector = await stack.resultCollector()
                let worker = try await stack.startWorker()
                let faults = [(SimulatedFault.cometUnauthorized, 401), (.cometInvalidRequest, 500)]
                for (index, (fault, status)) in faults.enumerated() {
                    let job = EndToEndJobs.valid("\(stack.group)-\(fault.rawValue)")
                    stack.simulator.enqueueFault(fault, route: .create)
                    try await stack.produce([job])
                    try await collector.waitForTerminalEvents(of: [job.jobID], within: .seconds(60))
                    let event = try #require(await collector.terminalEvents()[job.jobID]?.first)
                    #expect(event.type == .failed)
                    #expect(event.error?.code == "api.permanent", "\(fault.rawValue): \(String(describing: event.error))")
                    #expect(event.error?.api?.httpStatus == status)
                    #expect(event.error?.retryable == false)
                    // One create request per job so far: the permanent error was not retried.
                    #expect(stack.simulator.stats().createRequestsTotal == index + 1, "a permanent error was retried")
                }
                #expect(stack.simulator.stats().createsTotal == 0)
                #expect(await worker.terminate(within: .seconds(15)) == .exited(0))
            }
        }

        @Test("30 % 5xx, 10 % 1303, slow answers, no answers and resets: every job ends once, none paid twice",
              .timeLimit(.minutes(4)))
        func faultyAPI() async throws {
            var faulty = EndToEndStack.fastSimulator(queryByExternalID: true)
            faulty.faultRates = [
                .server5000: 0.10, .server5001: 0.05, .html502: 0.10, .gateway524: 0.05,  // 30 % 5xx
                .throttle1303: 0.10,
                .slow: 0.03, .noAnswer: 0.02, .resetBeforeRead: 0.03, .resetAfterRead: 0.03,
            ]
            faulty.slowResponseDelay = .seconds(2)
            faulty.noAnswerHold = .seconds(3)
            faulty.retryAfterSeconds = 1
            try await EndToEndStack.with(partitions: 3, simulator: faulty) { stack in
                let jobs = EndToEndJobs.mix(prefix: UniqueName.make("fault"), count: 40)
                let collector = await stack.resultCollector()
                let worker = try await stack.startWorker(reconcilingWorker)
                try await stack.produce(jobs)
                let ids = Set(jobs.map(\.jobID))
                try await collector.waitForTerminalEvents(of: ids, within: .seconds(180), thenQuiet: .seconds(2))

                // An ambiguous create (a reset or no answer after the request took effect) must be adopted by
                // reconciling; only a create that never arrived may end as submission.ambiguous. A transient fault
                // must never fail a job.
                await expectSettled(jobs, ambiguityAllowed: true, collector: collector, stack: stack)
                let stats = stack.simulator.stats()
                #expect(stats.faultsInjected.values.reduce(0, +) > 0, "no fault was injected: the test proves nothing")
                #expect(await worker.terminate(within: .seconds(20)) == .exited(0))
            }
        }

        @Test("Broker stalled by SIGSTOP for 10 s, then SIGCONT: nothing lost", .timeLimit(.minutes(3)))
        func brokerStall() async throws {
            try await EndToEndStack.with(partitions: 2) { stack in
                let jobs = EndToEndJobs.mix(prefix: UniqueName.make("stall"), count: 40)
                let collector = await stack.resultCollector()
                let worker = try await stack.startWorker()
                try await stack.produce(Array(jobs.prefix(20)))
                try await waitUntil("the first tasks created", within: .seconds(60)) {
                    stack.simulator.stats().createsTotal >= 5
                }
                try stack.broker.pause()
                do {
                    try await Task.sleep(for: .seconds(10))  // the stall itself is the stimulus under test
                    try stack.broker.resume()
                } catch {
                    try? stack.broker.resume()
                    throw error
                }
                try await stack.produce(Array(jobs.dropFirst(20)))
                let ids = Set(jobs.map(\.jobID))
                try await collector.waitForTerminalEvents(of: ids, within: .seconds(120), thenQuiet: .seconds(2))

                await expectSettled(jobs, collector: collector, stack: stack)
                #expect(worker.process.exit == nil, "the worker must survive a stalled broker: \(worker.logTail())")
                #expect(await worker.terminate(within: .seconds(20)) == .exited(0))
            }
        }
    }
}

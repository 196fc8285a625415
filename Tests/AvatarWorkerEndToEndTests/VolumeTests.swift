import AvatarJobs
import Foundation
import Kafka
import TestSupport
import Testing
import WorkerTestSupport

extension EndToEnd {
    /// Many jobs through one worker: the result contract holds for every one of them.
    @Suite struct Volume {
        @Test("500 jobs, a quarter invalid: one terminal event each, each valid job created once, codes exact",
              .timeLimit(.minutes(4)))
        func fiveHundredJobs() async throws {
            try await EndToEndStack.with(partitions: 4) { stack in
                let jobs = EndToEndJobs.mix(prefix: UniqueName.make("vol"), count: 500)
                let unreadable = (0..<3).map { index in
                    (id: "\(stack.group)-broken-\(index)", bytes: Array(#"{"job_id": "\#(stack.group)-broken-\#(index)", "image": "#.utf8))
                }
                let collector = await stack.resultCollector()
                let worker = try await stack.startWorker()
                try await stack.produce(jobs)
                for message in unreadable { try await stack.produceRaw(message.bytes, key: message.id) }

                let ids = Set(jobs.map(\.jobID) + unreadable.map(\.id))
                try await collector.waitForTerminalEvents(of: ids, within: .seconds(180), thenQuiet: .seconds(2))

                await expectSettled(jobs, alsoEnded: Set(unreadable.map(\.id)), collector: collector, stack: stack)
                let brokenOutcomes = await collector.terminalEvents().filter { $0.key.contains("-broken-") }
                #expect(brokenOutcomes.values.allSatisfy { $0.allSatisfy { $0.error?.code == "job.not_json" } })
                let letters = try await stack.deadLetters()
                #expect(letters.count == unreadable.count)
                for letter in letters {
                    #expect(letter.header("error-code")?.text == "job.not_json")
                    #expect(letter.header("original-topic")?.text == stack.jobsTopic)
                    #expect(letter.header("original-offset")?.text.flatMap(Int64.init) != nil)
                    #expect(unreadable.contains { $0.bytes == letter.value && $0.id == letter.keyText })
                }
                #expect(await worker.terminate(within: .seconds(15)) == .exited(0))
            }
        }
    }
}

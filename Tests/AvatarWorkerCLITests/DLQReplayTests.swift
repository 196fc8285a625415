@testable import avatar_worker
import AvatarJobs
import Foundation
import Kafka
import Testing
import TestSupport
import WorkerTestSupport

extension CommandLineTests {
    /// `dlq list` and `dlq replay`: a corrected dead letter goes back once and then succeeds on the shared worker;
    /// on unserved topics, unchanged replays and the settling of a run that stopped half-way.
    @Suite("dlq")
    struct DLQ {
        private func ends(_ shared: CommandLineStack, _ topic: String) async throws -> [Int32: Int64] {
            try await KafkaTopicTail(
                configuration: KafkaConfiguration(["bootstrap.servers": shared.stack.broker.bootstrapServers]), topic: topic
            ).endOffsets()
        }

        @Test("a corrected dead letter is replayed once: the dry run writes nothing, a second run replays nothing, and the corrected job succeeds")
        func correctedReplay() async throws {
            let shared = try CommandLineStack.get()
            let jobID = UniqueName.make("broken")
            try await shared.stack.produceRaw(Array(#"{"job_id":"\#(jobID)","image":"#.utf8), key: jobID)
            try await waitUntil("the dead letter of \(jobID)", within: .seconds(60)) {
                try await shared.stack.deadLetters().contains { $0.keyText == jobID }
            }
            let listed = try await CommandRun.run(["dlq", "list"] + shared.served + ["--key", jobID])
            #expect(listed.objects().map { $0["error_code"] as? String } == ["job.not_json"], "\(listed.transcript)")

            let corrections = FileManager.default.temporaryDirectory.appendingPathComponent(UniqueName.make("fixed") + ".jsonl")
            try #"{"job_id":"\#(jobID)","image":"https://cdn.example.com/p.png","audio_id":"audio-1","prompt":"Fixed."}"#
                .write(to: corrections, atomically: true, encoding: .utf8)
            let replay = ["dlq", "replay"] + shared.served + ["--key", jobID, "--corrections", corrections.path]
            let before = try await ends(shared, shared.stack.jobsTopic)

            let dry = try await CommandRun.run(replay + ["--dry-run"])
            #expect(dry.status == 0, "\(dry.transcript)")
            #expect(dry.objects().map { $0["action"] as? String } == ["would_replay"])
            #expect(try await ends(shared, shared.stack.jobsTopic) == before, "a dry run produces nothing")

            let first = try await CommandRun.run(replay)
            #expect(first.status == 0, "\(first.transcript)")
            let replayed = try #require(first.objects().first)
            #expect(replayed["action"] as? String == "replayed")
            #expect(replayed["corrected"] as? Bool == true)
            #expect(replayed["jobs_offset"] is Int)
            let afterFirst = try await ends(shared, shared.stack.jobsTopic)

            let second = try await CommandRun.run(replay)
            #expect(second.status == 0, "\(second.transcript)")
            #expect(second.objects().map { $0["action"] as? String } == ["already_replayed"], "\(second.transcript)")
            #expect(try await ends(shared, shared.stack.jobsTopic) == afterFirst, "the second run produces nothing")

            try await waitUntil("the corrected job's success", within: .seconds(90)) {
                let results = try await CommandRun.run(["results"] + shared.served + [
                    "--from-beginning", "--job-id", jobID, "--type", "succeeded", "--format", "json",
                ])
                return !results.objects().isEmpty
            }
        }

        @Test("unchanged replays only for causes outside the message; a run that stopped after producing is settled from the job's header, one that stopped before is replayed")
        func unchangedAndStoppedRuns() async throws {
            let shared = try CommandLineStack.get()
            let idle = shared.idle
            let tooLarge = UniqueName.make("large"), broken = UniqueName.make("broken")
            let producedBefore = UniqueName.make("stopped-after"), neverProduced = UniqueName.make("stopped-before")
            func deadLetter(_ key: String, code: String) -> KafkaProducerMessage {
                KafkaProducerMessage(
                    topic: idle.dlq, key: Array(key.utf8), value: Array(#"{"job_id":"\#(key)"}"#.utf8),
                    headers: [KafkaHeader(name: "error-code", text: code), KafkaHeader(name: "original-topic", text: idle.jobs)])
            }
            let producer = try shared.producer()
            let letters = try await producer.sendAll([
                deadLetter(tooLarge, code: "job.too_large"), deadLetter(broken, code: "job.not_json"),
                deadLetter(producedBefore, code: "job.too_large"), deadLetter(neverProduced, code: "job.too_large"),
            ]).map { try $0.get() }
            // Two runs that stopped after claiming: one had produced its job (with the header), one had not.
            let replayLog = "\(idle.dlq).replays"
            let jobEnds = try await ends(shared, idle.jobs)
            for (letter, key) in zip(letters[2...], [producedBefore, neverProduced]) {
                let position = "\(letter.topic)/\(letter.partition)/\(letter.offset)"
                let jobsPartition = KafkaPartitioner.consistentRandom.partition(of: key, partitionCount: 2)
                let claim = ReplayLogRecord(
                    state: .replaying, deadLetter: position, runID: "replay-stopped", jobID: key, corrected: false,
                    jobsTopic: idle.jobs, jobsPartition: jobsPartition, jobsScanFrom: jobEnds[jobsPartition] ?? 0, jobsOffset: nil,
                    at: Date(), host: "elsewhere")
                _ = try await producer.send(KafkaProducerMessage(
                    topic: replayLog, partition: letter.partition, key: Array(position.utf8), value: try claim.encoded()))
                if key == producedBefore {
                    _ = try await producer.send(KafkaProducerMessage(
                        topic: idle.jobs, partition: jobsPartition, key: Array(key.utf8), value: Array(#"{"job_id":"\#(key)"}"#.utf8),
                        headers: [KafkaHeader(name: ReplayLogRecord.replayHeader, text: position)]))
                }
            }
            await producer.close()
            let keys = [tooLarge, broken, producedBefore, neverProduced].flatMap { ["--key", $0] }
            let before = try await ends(shared, idle.jobs)

            let without = try await CommandRun.run(["dlq", "replay"] + shared.unserved + keys + ["--dry-run"])
            let planned = Dictionary(uniqueKeysWithValues: without.objects().map { ($0["key"] as? String ?? "", $0) })
            #expect(planned[tooLarge]?["action"] as? String == "skipped", "\(without.transcript)")
            #expect((planned[tooLarge]?["reason"] as? String)?.contains("--unchanged") == true)
            #expect(planned[producedBefore]?["action"] as? String == "already_replayed", "found by its header, even in a dry run")

            let run = try await CommandRun.run(["dlq", "replay"] + shared.unserved + keys + ["--unchanged"])
            #expect(run.status == 0, "\(run.transcript)")
            let actions = Dictionary(uniqueKeysWithValues: run.objects().map { ($0["key"] as? String ?? "", $0) })
            #expect(actions[tooLarge]?["action"] as? String == "replayed")
            #expect(actions[tooLarge]?["corrected"] as? Bool == false)
            #expect(actions[broken]?["action"] as? String == "skipped")
            #expect((actions[broken]?["reason"] as? String)?.contains("give a corrected message") == true)
            #expect(actions[producedBefore]?["action"] as? String == "already_replayed")
            #expect((actions[producedBefore]?["reason"] as? String)?.contains("a stopped run had produced it") == true)
            #expect(actions[neverProduced]?["action"] as? String == "replayed")
            let after = try await ends(shared, idle.jobs)
            #expect(after.values.reduce(0, +) - before.values.reduce(0, +) == 2, "two jobs produced: \(before) → \(after)")

            let again = try await CommandRun.run(["dlq", "replay"] + shared.unserved + keys + ["--unchanged"])
            #expect(Set(again.objects().compactMap { $0["action"] as? String }) == ["already_replayed", "skipped"], "\(again.transcript)")
            #expect(try await ends(shared, idle.jobs) == after)
        }
    }
}

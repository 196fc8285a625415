@testable import avatar_worker
import AvatarJobs
import Foundation
import Kafka
import Testing
import TestSupport
import WorkerTestSupport

extension CommandLineTests {
    /// `status` and `results` on topics no worker serves, with the records a worker would write arranged by the test,
    /// so every place a job can be is covered without waiting for one to pass through it.
    @Suite("status and results")
    struct StatusAndResults {
        private static let worker = AvatarResultEvent.WorkerInfo(id: "cli-test-worker")

        /// Two ids that map to the same partition of a two-partition topic.
        private static func samePartitionIDs(_ prefix: String) -> (String, String) {
            let first = UniqueName.make(prefix)
            let partition = KafkaPartitioner.consistentRandom.partition(of: first, partitionCount: 2)
            var second = UniqueName.make(prefix)
            while KafkaPartitioner.consistentRandom.partition(of: second, partitionCount: 2) != partition { second = UniqueName.make(prefix) }
            return (first, second)
        }

        private static func event(_ type: AvatarResultEvent.EventType, _ jobID: String, code: String? = nil) throws -> [UInt8] {
            var event = AvatarResultEvent(type: type, jobID: jobID, attempt: 1, occurredAt: Date(), worker: worker)
            event.taskID = type == .failed && code != nil ? nil : "task-\(jobID)"
            if type == .succeeded { event.videos = [.init(id: "v-\(jobID)", url: "https://cdn.example.com/\(jobID).mp4")] }
            if let code { event.error = ResultError(code: code, message: "it failed: \(code)", retryable: false) }
            return try ContractCoding.encode(event)
        }

        @Test("status finds each job where it is — ended, in flight in the ledger, waiting after the committed offset — says what it scanned, and exits 1 for one it cannot find")
        func whereJobsAre() async throws {
            let shared = try CommandLineStack.get()
            let idle = shared.idle
            let group = UniqueName.make("status-group")
            let (consumedID, waitingID) = Self.samePartitionIDs("waiting")
            let endedID = UniqueName.make("ended"), inFlightID = UniqueName.make("in-flight"), missingID = UniqueName.make("missing")
            let partition = KafkaPartitioner.consistentRandom.partition(of: inFlightID, partitionCount: 2)
            let job = try JobValidator().validate(Array(#"{"job_id":"\#(inFlightID)","image":"https://cdn.example.com/p.png","audio_id":"a1"}"#.utf8)).get()
            let submitted = AvatarTaskRecord(
                submitting: job, attempt: 1, partition: Int(partition), offset: 7, now: Date(), submitDeadline: Date() + 900,
                traceparent: nil, worker: Self.worker
            ).submitted(taskID: "task-77", at: Date())

            let producer = try shared.producer()
            for outcome in await producer.sendAll([
                KafkaProducerMessage(topic: idle.tasks, partition: partition, key: Array(inFlightID.utf8), value: try submitted.encoded()),
                KafkaProducerMessage(topic: idle.results, key: Array(endedID.utf8), value: try Self.event(.failed, endedID, code: "task.failed")),
                KafkaProducerMessage(topic: idle.results, key: Array(inFlightID.utf8), value: try Self.event(.processing, inFlightID)),
                KafkaProducerMessage(topic: idle.jobs, key: consumedID, value: "{}"),
            ]) { _ = try outcome.get() }
            // The group takes the first job (its committed offset moves past it); the second arrives after.
            let consumer = try KafkaConsumer(configuration: shared.stack.broker.consumerConfiguration(groupID: group))
            try consumer.subscribe(topics: [idle.jobs])
            let collector = MessageCollector(consumer)
            var taken: KafkaConsumerMessage?
            while taken?.keyText != consumedID {
                taken = try await collector.take(1, within: .seconds(60)).first
                if let taken { try consumer.storeOffset(for: taken) }
            }
            try await consumer.commit()
            await consumer.close()
            _ = try await producer.send(KafkaProducerMessage(topic: idle.jobs, key: waitingID, value: "{}"))
            await producer.close()

            let connection = shared.unserved.map { $0 == idle.group ? group : $0 }
            let run = try await CommandRun.run(["status"] + connection + [endedID, inFlightID, waitingID, consumedID, missingID])
            #expect(run.status == 1, "one job is not found: \(run.transcript)")
            let byID = Dictionary(uniqueKeysWithValues: run.objects().compactMap { object in (object["job_id"] as? String).map { ($0, object) } })
            #expect(byID[endedID]?["where"] as? String == "results")
            #expect(byID[endedID]?["type"] as? String == "failed")
            #expect(byID[inFlightID]?["where"] as? String == "ledger")
            #expect(byID[inFlightID]?["state"] as? String == "submitted")
            #expect(byID[inFlightID]?["task_id"] as? String == "task-77")
            #expect(byID[inFlightID]?["partition"] as? Int == Int(partition))
            #expect(byID[inFlightID]?["progress"] as? String == "processing")
            #expect(byID[inFlightID]?["since"] is String)
            #expect(byID[waitingID]?["where"] as? String == "jobs")
            #expect(byID[waitingID]?["ahead"] as? Int == 0, "nothing between the committed offset and it")
            #expect(byID[consumedID]?["where"] as? String == "not_found", "taken by the group, and nowhere else")
            #expect(byID[missingID]?["where"] as? String == "not_found")
            let scanned = try #require(byID[missingID]?["scanned"] as? [[String: Any]])
            #expect(scanned.compactMap { $0["topic"] as? String } == [idle.results, idle.tasks, idle.jobs])

            let limited = try await CommandRun.run(["status"] + connection + ["--scan-limit", "1", "--format", "text", missingID])
            #expect(limited.stdout.contains("not found in \(idle.results)"), "\(limited.transcript)")
            let text = try await CommandRun.run(["status"] + connection + ["--format", "text", inFlightID])
            #expect(text.status == 0)
            #expect(text.stdout.contains("in flight, submitted task task-77"), "\(text.transcript)")
            #expect(text.stdout.contains("owner partition \(partition)"))
        }

        @Test("results filters by job id, type and error code (prefix*), starts at --since, stops at --max-events, and prints a table on request")
        func filters() async throws {
            let shared = try CommandLineStack.get()
            let idle = shared.idle
            let ids = (1...4).map { UniqueName.make("r\($0)") }
            let producer = try shared.producer()
            for outcome in await producer.sendAll([
                KafkaProducerMessage(topic: idle.results, key: Array(ids[0].utf8), value: try Self.event(.processing, ids[0])),
                KafkaProducerMessage(topic: idle.results, key: Array(ids[0].utf8), value: try Self.event(.succeeded, ids[0])),
                KafkaProducerMessage(topic: idle.results, key: Array(ids[1].utf8), value: try Self.event(.failed, ids[1], code: "api.permanent")),
                KafkaProducerMessage(topic: idle.results, key: Array(ids[2].utf8), value: try Self.event(.failed, ids[2], code: "image.too_small")),
            ]) { _ = try outcome.get() }
            // A moment clearly after the first events were acknowledged and clearly before the last one is produced.
            let since = Date() + 0.005
            try await waitUntil("the clock to pass the moment", within: .seconds(5)) { Date() > since + 0.005 }
            _ = try await producer.send(KafkaProducerMessage(topic: idle.results, key: Array(ids[3].utf8), value: try Self.event(.failed, ids[3], code: "api.throttled")))
            await producer.close()
            let jobs = ids.flatMap { ["--job-id", $0] }
            func events(_ extra: [String]) async throws -> [String] {
                let run = try await CommandRun.run(["results"] + shared.unserved + ["--format", "json"] + extra)
                #expect(run.status == 0, "\(run.transcript)")
                return run.objects().map { "\($0["job_id"] as? String ?? "?"):\($0["type"] as? String ?? "?")" }
            }
            #expect(try await events(["--from-beginning", "--job-id", ids[0]]) == ["\(ids[0]):processing", "\(ids[0]):succeeded"])
            #expect(try await events(["--from-beginning", "--type", "succeeded"] + jobs) == ["\(ids[0]):succeeded"])
            #expect(Set(try await events(["--from-beginning", "--error-code", "api.*"] + jobs)) == ["\(ids[1]):failed", "\(ids[3]):failed"])
            #expect(try await events(["--since", Date.ISO8601FormatStyle(includingFractionalSeconds: true).format(since)] + jobs)
                == ["\(ids[3]):failed"])
            #expect(try await events(["--from-beginning", "--max-events", "1", "--job-id", ids[0]]).count == 1)

            let table = try await CommandRun.run(["results"] + shared.unserved + ["--from-beginning", "--format", "text", "--error-code", "image.too_small"] + jobs)
            #expect(table.lines.first?.hasPrefix("TIME (UTC)") == true, "\(table.transcript)")
            #expect(table.lines.count == 2)
            #expect(table.lines.last?.contains(ids[2]) == true && table.lines.last?.contains("image.too_small: it failed") == true)
        }
    }
}

import ArgumentParser
import AvatarJobs
import ChaosHarness
import Foundation
import Kafka

/// `avatar-worker bench recovery`: a worker carrying `--tasks` tasks is killed with SIGKILL and a new one started at
/// once; the figures are the time from the kill until the simulator has seen every task queried again, the creates
/// made again (target 0: nothing is paid twice), and the new owner's restore time from its own
/// `avatar_worker_ledger_restore_duration_seconds`.
///
/// It runs twice in the same run: on a clean ledger (the baseline), then on a ledger that first holds
/// `--dead-records` dead records (a record and its tombstone per key, written straight to the ledger partitions
/// before the first worker starts). The first worker's restore reads those; the restore checkpoint it commits then
/// lets the successor skip them, so the successor's restore must stay within 2× of the clean case's.
struct BenchRecoveryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recovery",
        abstract: "SIGKILL a worker with 10k tasks in flight: time until every task is polled again, creates made again, restore time with and without 1M dead ledger records.")

    @OptionGroup var workerOptions: BenchWorkerArguments

    @Option(help: "Tasks in flight when the worker is killed.")
    var tasks = 10_000

    @Option(help: "Dead ledger records written before the second case (a record and a tombstone per key).")
    var deadRecords = 1_000_000

    @Option(help: "Partitions of each topic.")
    var partitions: Int32 = 4

    @Option(help: "The workers' --poll-requests-per-second.")
    var pollRate = 5_000

    @Option(help: "The workers' --max-concurrent-polls: enough for the poll budget at a few milliseconds per poll (the default 16 allows about 3,000 polls/s here).")
    var pollConcurrency = 64

    @Option(help: "The workers' session.timeout.ms (the group notices the killed member after it).")
    var sessionTimeoutMs = 6_000

    @Option(help: "The broker: tansu (the embedded Tansu, whose group join waits half the session timeout) or mock (librdkafka's mock cluster, whose coordinator holds a join for the session timeout less 1 s).")
    var broker: ChaosBrokerKind = .tansu


    func validate() throws {
        guard tasks > 0, deadRecords >= 0, partitions > 0, pollRate > 0, sessionTimeoutMs >= 1000 else {
            throw ValidationError("--tasks, --partitions and --poll-rate must be positive, --session-timeout-ms at least 1000")
        }
    }

    /// One case's figures.
    struct Case {
        var name: String
        var firstRestore: Double
        var firstRestoreRecords: Double
        var repolled: Double
        /// From the SIGKILL to the successor's `/readyz` answering 200: the group's rebalance and the restores.
        var ready: Double
        var creates: Int
        var restore: Double
        var restoreRecords: Double
    }

    func run() async throws {
        let runID = UUID().uuidString.prefix(6).lowercased()
        let prefixes = (clean: "rec-\(runID)-clean", dirty: "rec-\(runID)-dead")
        let declared = [prefixes.clean, prefixes.dirty].map { BenchRig.Topics(prefix: $0, partitions: partitions) }
        try await BenchRig.with(taskSeconds: "100000-100000", name: "recovery", broker: broker, mockTopics: declared) { rig in
            benchSay("bench recovery: \(tasks) tasks in flight, SIGKILL, a new worker at once; \(partitions) partitions; session.timeout.ms \(sessionTimeoutMs); broker \(broker.rawValue); \(benchBuildNote)")
            let clean = try await measure(name: "clean ledger", prefix: prefixes.clean, dead: 0, rig: rig)
            let dirty = try await measure(
                name: "after \(deadRecords) dead records", prefix: prefixes.dirty, dead: deadRecords, rig: rig)
            let target = Double(sessionTimeoutMs) / 1000 + 2
            let ratio = dirty.restore / max(clean.restore, 1e-9)
            benchSay("""

                summary:
                  every task polled again after the kill: \(String(format: "%.2f s clean, %.2f s with dead records", clean.repolled, dirty.repolled)) (target <= session timeout + 2 s = \(String(format: "%.1f", target)) s: \(max(clean.repolled, dirty.repolled) <= target ? "met" : "NOT met"))
                    of which the group's rebalance and the restores (kill to the successor's /readyz): \(String(format: "%.2f s and %.2f s", clean.ready, dirty.ready)); the polls after it: \(String(format: "%.2f s and %.2f s", clean.repolled - clean.ready, dirty.repolled - dirty.ready))
                  creates made again: \(clean.creates) and \(dirty.creates) (target 0: \(clean.creates + dirty.creates == 0 ? "met" : "NOT met"))
                  successor's restore: \(String(format: "%.3f s clean, %.3f s with dead records, ratio %.2f", clean.restore, dirty.restore, ratio)) (target <= 2: \(ratio <= 2 ? "met" : "NOT met"))
                  the first worker's restore, which had no checkpoint yet: \(String(format: "%.3f s for %.0f offsets", dirty.firstRestore, dirty.firstRestoreRecords)) with dead records, \(String(format: "%.3f s", clean.firstRestore)) clean
                """)
        }
    }

    private func arguments(rig: BenchRig, topics: BenchRig.Topics, workerID: String) -> [String] {
        rig.baseWorkerArguments(topics: topics, workerID: workerID, sessionTimeoutMs: sessionTimeoutMs) + [
            "--first-poll-delay-std", "1s", "--poll-interval", "10s",
            "--poll-requests-per-second", "\(pollRate)", "--poll-burst", "\(pollRate)",
            "--fleet-in-flight-cap", "\(tasks + tasks / 5)", "--max-concurrent-creates", "32",
            "--max-concurrent-polls", "\(pollConcurrency)",
        ] + workerOptions.arguments
    }

    private func measure(name: String, prefix: String, dead: Int, rig: BenchRig) async throws -> Case {
        let topics = try await rig.createTopics(prefix: prefix, partitions: partitions)
        if dead > 0 {
            let started = ContinuousClock.now
            try await writeDeadRecords(dead, to: topics, rig: rig)
            benchSay(String(format: "[%@] wrote %d dead ledger records in %.1f s", name, dead, (ContinuousClock.now - started).seconds))
        }
        let first = try await rig.startWorker(arguments(rig: rig, topics: topics, workerID: "\(prefix)-a"), name: "\(prefix)-a")
        if dead == 0 {
            benchSay("worker: \(first.command)")
            benchSay("  (differs from the defaults: a 1 s first poll, a poll budget of \(pollRate)/s with \(pollConcurrency) concurrent polls, a fleet cap above the tasks, 32 concurrent creates, the session timeout, the log level)")
        }
        let producer = try rig.makeProducer()
        let before: Int
        do {
            try await rig.simulator.markQueries()
            before = try await rig.simulator.stats(brief: true).createRequestsTotal
            try await rig.produceJobs(0..<tasks, prefix: prefix, to: topics, producer: producer)
            // Every task created, recorded submitted and polled once: nothing is left in `submitting`.
            try await BenchRig.waitUntil("\(tasks) tasks polled by the first worker", timeout: .seconds(Int64(tasks / 20 + 300)), interval: .milliseconds(500)) {
                try await rig.simulator.stats(brief: true).tasksQueriedSinceMark >= tasks
            }
        } catch {
            await producer.close()
            await first.stop(grace: .seconds(5))
            throw error
        }
        await producer.close()
        let firstMetrics = try await first.metrics()
        let firstRestore = firstMetrics.histogram("avatar_worker_ledger_restore_duration_seconds")
        let createsBefore = try await rig.simulator.stats(brief: true).createRequestsTotal
        guard createsBefore - before == tasks else {
            await first.stop(grace: .seconds(5))
            throw BenchFailure(what: "the first worker made \(createsBefore - before) creates for \(tasks) jobs")
        }

        await first.kill()
        let killed = ContinuousClock.now
        try await rig.simulator.markQueries()
        let second = try await rig.startWorker(arguments(rig: rig, topics: topics, workerID: "\(prefix)-b"), name: "\(prefix)-b")
        var readyAt: ContinuousClock.Instant?
        do {
            try await BenchRig.waitUntil("every task polled again", timeout: .seconds(600), interval: .milliseconds(50)) {
                if readyAt == nil, await second.isReady() { readyAt = .now }
                return try await rig.simulator.stats(brief: true).tasksQueriedSinceMark >= tasks
            }
        } catch {
            await second.stop(grace: .seconds(5))
            throw error
        }
        let repolled = (ContinuousClock.now - killed).seconds
        // A successor that polled everything between two checks was ready at the latest then.
        let ready = ((readyAt ?? .now) - killed).seconds
        let creates = try await rig.simulator.stats(brief: true).createRequestsTotal - createsBefore
        let secondMetrics = try await second.metrics()
        let restore = secondMetrics.histogram("avatar_worker_ledger_restore_duration_seconds")
        let successorCPU = second.cpuSeconds()
        await second.stop(grace: .seconds(5))
        let figures = Case(
            name: name, firstRestore: firstRestore.sum, firstRestoreRecords: firstMetrics.sum("avatar_worker_ledger_restore_records_total"),
            repolled: repolled, ready: ready, creates: creates, restore: restore.sum,
            restoreRecords: secondMetrics.sum("avatar_worker_ledger_restore_records_total"))
        benchSay(String(
            format: "[%@] every task polled again %.2f s after the SIGKILL (the successor ready after %.2f s); %d creates made again; successor's restores %.3f s in all (%.0f partitions, %.0f offsets read); the first worker's %.3f s (%.0f offsets)",
            name, figures.repolled, figures.ready, figures.creates, figures.restore, restore.count, figures.restoreRecords,
            figures.firstRestore, figures.firstRestoreRecords))
        benchSay(String(format: "[%@] the successor's CPU time from its start to the last task polled: %.2f s", name, successorCPU))
        return figures
    }

    /// Writes `count` dead records to the ledger: per key a `submitted` record as a worker writes it, then its
    /// tombstone, spread over the partitions.
    private func writeDeadRecords(_ count: Int, to topics: BenchRig.Topics, rig: BenchRig) async throws {
        let worker = AvatarResultEvent.WorkerInfo(id: "bench-dead-writer")
        let now = Date()
        let template = AvatarTaskRecord(
            submitting: ValidatedJob(
                job: AvatarJob(jobID: "DEADJOBID", image: .url("https://media.example.com/portraits/p.png"), audio: .audioID("tts-123")),
                imageInfo: nil, audioInfo: nil, deadlineSeconds: 3600, notes: []),
            attempt: 1, partition: 0, offset: 0, now: now, submitDeadline: now.addingTimeInterval(900), traceparent: nil,
            worker: worker
        ).submitted(taskID: "878106242831892000", at: now)
        let text = String(decoding: try template.encoded(), as: UTF8.self)
        let producer = try KafkaProducer(
            configuration: rig.broker.producerConfiguration().merging(["linger.ms": "20", "batch.num.messages": "10000"]),
            logger: rig.logger)
        let keys = count / 2
        var start = 0
        while start < keys {
            let end = min(keys, start + 50_000)
            var messages: [KafkaProducerMessage] = []
            messages.reserveCapacity((end - start) * 2)
            for index in start..<end {
                let key = "dead-\(index)"
                let partition = Int32(index % Int(partitions))
                messages.append(KafkaProducerMessage(
                    topic: topics.tasks, partition: partition, key: Array(key.utf8),
                    value: Array(text.replacingOccurrences(of: "DEADJOBID", with: key).utf8)))
            }
            for index in start..<end {
                let key = "dead-\(index)"
                messages.append(KafkaProducerMessage(
                    topic: topics.tasks, partition: Int32(index % Int(partitions)), key: Array(key.utf8), value: nil))
            }
            let failed = await producer.sendAll(messages).filter { !$0.isSuccess }.count
            guard failed == 0 else {
                await producer.close()
                throw BenchFailure(what: "\(failed) dead records were not written")
            }
            start = end
        }
        await producer.close()
    }
}

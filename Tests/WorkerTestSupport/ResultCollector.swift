import AvatarJobs
import Foundation
import Kafka
import TestSupport

/// Follows a results topic from its beginning (no consumer group) and keeps every event, so an end-to-end test can
/// wait for the terminal events of its jobs and then check the contract on all of them: one terminal event per job,
/// duplicates only as exact copies (same `event_id`).
public actor ResultCollector {
    /// One event as it arrived.
    public struct Received: Sendable {
        /// The decoded event.
        public var event: AvatarResultEvent
        /// The record it came in (key, headers, partition, offset).
        public var record: KafkaConsumerMessage
    }

    private var received: [Received] = []
    private var unreadable: [KafkaConsumerMessage] = []
    private var failure: (any Error)?
    private var reader: Task<Void, Never>?

    /// Starts following `topic` on `bootstrapServers` (async: the actor is isolated from the start, so the reading
    /// task can be stored after it captured the actor).
    public init(bootstrapServers: String, topic: String) async {
        let tail = KafkaTopicTail(
            configuration: KafkaConfiguration(["bootstrap.servers": bootstrapServers]), topic: topic, follow: true,
            followInterval: .milliseconds(100), stallTimeout: .seconds(120))
        reader = Task { [weak self] in
            do {
                for try await record in tail.records() { await self?.add(record) }
            } catch {
                await self?.fail(error)
            }
        }
    }

    deinit { reader?.cancel() }

    /// Stops following.
    public func stop() { reader?.cancel() }

    /// Every event received so far, in arrival order.
    public var events: [Received] { received }

    /// Records that were not result events (should stay empty).
    public var unreadableRecords: [KafkaConsumerMessage] { unreadable }

    /// Terminal events by job id (every copy).
    public func terminalEvents() -> [String: [AvatarResultEvent]] {
        Dictionary(grouping: received.map(\.event).filter(\.type.isTerminal), by: \.jobID)
    }

    /// Waits until every job in `jobIDs` has at least one terminal event, then, with `thenQuiet`, until no event has
    /// arrived for that long (so late duplicates are in before the test judges).
    /// - Throws: ``TestTimeout`` after `limit`, naming how many are missing and a few of them.
    public func waitForTerminalEvents(of jobIDs: Set<String>, within limit: Duration, thenQuiet: Duration? = nil) async throws {
        var missing = jobIDs
        do {
            try await waitUntil("terminal events of \(jobIDs.count) jobs", within: limit, checkingEvery: .milliseconds(100)) {
                if let failure { throw failure }
                missing = jobIDs.subtracting(terminalEvents().keys)
                return missing.isEmpty
            }
        } catch is TestTimeout {
            throw TestTimeout(
                what: "terminal events of \(missing.count) of \(jobIDs.count) jobs, e.g. \(missing.sorted().prefix(5))",
                limit: limit)
        }
        guard let thenQuiet else { return }
        var count = -1
        while count != received.count {
            count = received.count
            try await Task.sleep(for: thenQuiet)
        }
    }

    /// Every breach of the result contract for `jobIDs`: a job without a terminal event, a job with terminal events
    /// under different `event_id`s (two outcomes, or one outcome published twice as different events), an event
    /// whose record key is not its `job_id`, or a record that is not a result event at all.
    public func contractViolations(for jobIDs: Set<String>) -> [String] {
        var violations: [String] = []
        let terminal = terminalEvents()
        for jobID in jobIDs.sorted() {
            guard let events = terminal[jobID] else {
                violations.append("\(jobID): no terminal event")
                continue
            }
            let ids = Set(events.map(\.eventID))
            if ids.count > 1 {
                violations.append("\(jobID): \(ids.count) different terminal events: \(events.map { "\($0.type.rawValue) \($0.eventID)" })")
            }
        }
        for item in received where item.record.keyText != item.event.jobID {
            violations.append("event \(item.event.eventID) keyed \(item.record.keyText ?? "nil") for job \(item.event.jobID)")
        }
        for record in unreadable {
            violations.append("unreadable result record at \(record.topicPartition)@\(record.offset)")
        }
        return violations
    }

    /// Every job whose terminal outcome is not the expected one: an invalid job must fail with its specific code; a
    /// valid job must succeed, or fail with one of `allowedFailures` (e.g. `submission.ambiguous` where a test
    /// provokes one on purpose).
    public func outcomeViolations(for jobs: [EndToEndJobs.Job], allowedFailures: Set<String> = []) -> [String] {
        let terminal = terminalEvents()
        return jobs.compactMap { job -> String? in
            guard let event = terminal[job.jobID]?.first else { return nil }  // reported by contractViolations
            let outcome = event.type == .succeeded ? "succeeded" : "failed \(event.error?.code ?? "without error")"
            if let expected = job.expectedErrorCode {
                return event.type == .failed && event.error?.code == expected ? nil : "\(job.jobID): \(outcome), expected \(expected)"
            }
            if event.type == .succeeded, !(event.videos ?? []).isEmpty { return nil }
            if event.type == .failed, let code = event.error?.code, allowedFailures.contains(code) { return nil }
            return "\(job.jobID): \(outcome) (\(event.error?.message ?? "no videos")), expected succeeded"
        }
    }

    /// Jobs failed as `submission.ambiguous` although the API holds their task: reconciling by `external_task_id`
    /// must adopt such a task (it is paid for) rather than fail the job. `created` is the simulator's
    /// `creates_by_external_task_id`; an event without `external_task_id` is matched by the derived first-attempt id.
    public func unreconciledViolations(for jobs: [EndToEndJobs.Job], created: [String: Int]) -> [String] {
        let terminal = terminalEvents()
        return jobs.compactMap { job -> String? in
            guard let event = terminal[job.jobID]?.first, event.error?.code == "submission.ambiguous" else { return nil }
            let externalID = event.externalTaskID ?? StableIdentifiers.externalTaskID(jobID: job.jobID, attempt: 1)
            return created[externalID] == nil ? nil : "\(job.jobID): failed submission.ambiguous but task \(externalID) exists"
        }
    }

    /// How many of `jobs` succeeded (each such job must have been created exactly once).
    public func succeededCount(of jobs: [EndToEndJobs.Job]) -> Int {
        let terminal = terminalEvents()
        return jobs.filter { terminal[$0.jobID]?.first?.type == .succeeded }.count
    }

    private func add(_ record: KafkaConsumerMessage) {
        guard let value = record.value, let event = try? ContractCoding.decodeEvent(value) else {
            unreadable.append(record)
            return
        }
        received.append(Received(event: event, record: record))
    }

    private func fail(_ error: any Error) {
        if !(error is CancellationError) { failure = error }
    }
}

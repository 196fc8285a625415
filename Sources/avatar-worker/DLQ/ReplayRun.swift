import AvatarJobs
import Foundation
import Kafka

/// One run of `dlq replay`: reads the replay log and the selected dead letters, settles entries a stopped run left
/// behind, asks ``ReplayPlan`` what to do, and — unless it is a dry run — claims, produces and records each replay
/// in the order that makes a second run safe (see ``ReplayLogRecord``). Returns one report line per dead letter.
struct ReplayRun: Sendable {
    /// Where to read and write.
    let settings: ClientSettings
    /// The replay log's topic.
    let logTopic: String
    /// Most records a search for a stopped run's job message reads.
    let scanLimit: Int
    /// This run's claim id.
    let runID = "replay-\(UUID().uuidString.prefix(13).lowercased())"
    /// This host, for the log.
    let host = ProcessInfo.processInfo.hostName

    /// The latest log entry per dead-letter position, and each log partition's end when read.
    struct LogSnapshot: Sendable {
        var entries: [String: ReplayLogRecord] = [:]
        var ends: [Int32: Int64] = [:]
        var partitionCount = 0
    }

    /// One line of output.
    struct Report: Sendable {
        /// The dead letter.
        let letter: DeadLetter
        /// `replayed`, `would_replay`, `already_replayed`, `skipped`, `refused`, `failed` or `claimed_elsewhere`.
        let action: String
        /// Why, when not replayed.
        var reason: String?
        /// Where the job went (or would go).
        var jobsPartition: Int32?
        /// Its offset there.
        var jobsOffset: Int64?
        /// Whether the corrected message was used.
        var corrected: Bool?

        /// Whether this line makes the command fail.
        var isFailure: Bool { ["refused", "failed"].contains(action) }

        /// The line as JSON.
        var jsonLine: String {
            var object: [String: Any] = [
                "dead_letter": letter.position, "partition": Int(letter.record.partition),
                "offset": Int(letter.record.offset), "key": letter.key ?? NSNull(), "error_code": letter.errorCode ?? NSNull(),
                "action": action,
            ]
            if let reason { object["reason"] = reason }
            if let jobsPartition { object["jobs_partition"] = Int(jobsPartition) }
            if let jobsOffset { object["jobs_offset"] = Int(jobsOffset) }
            if let corrected { object["corrected"] = corrected }
            return StandardOutput.jsonLine(object)
        }
    }

    /// Runs the replay of `letters` with `corrections` (valid job bytes or refusals by job id).
    func run(
        letters: [DeadLetter], corrections: [String: Result<[UInt8], JobValidationFailure>], unchanged: Bool, dryRun: Bool
    ) async throws -> (reports: [Report], unmatchedCorrections: [String]) {
        let configuration = settings.readerConfiguration()
        let admin = try KafkaAdmin(configuration: configuration)
        let jobsPartitions = try await admin.partitionCount(of: settings.jobsTopic)
        var log = try await readLog(from: nil, admin: admin)
        let settled = try await settleStoppedRuns(letters: letters, log: &log, dryRun: dryRun)
        let plan = ReplayPlan(letters: letters, log: log.entries, corrections: corrections, unchanged: unchanged)
        let partitioner = try settings.partitioner()
        var reports: [Report?] = Array(repeating: nil, count: plan.entries.count)
        var pending: [Pending] = []
        for (index, (letter, decision)) in plan.entries.enumerated() {
            switch decision {
            case .alreadyReplayed(let entry):
                reports[index] = Report(
                    letter: letter, action: "already_replayed",
                    reason: settled.contains(letter.position)
                        ? "a stopped run had produced it; recorded now" : "replayed at \(entry.at.formatted(.iso8601)) by \(entry.host)",
                    jobsPartition: entry.jobsPartition, jobsOffset: entry.jobsOffset, corrected: entry.corrected)
            case .skip(let reason):
                reports[index] = Report(letter: letter, action: "skipped", reason: reason)
            case .refused(let errors):
                reports[index] = Report(
                    letter: letter, action: "refused",
                    reason: "the correction is not a valid job: " + errors.map(\.description).joined(separator: "; "))
            case .replay(let bytes, let key, let corrected):
                let partition = key.map { partitioner.partition(of: $0, partitionCount: jobsPartitions) }
                    ?? letter.originalPartition.flatMap { $0 < jobsPartitions ? $0 : nil } ?? 0
                if dryRun {
                    reports[index] = Report(letter: letter, action: "would_replay", jobsPartition: partition, corrected: corrected)
                } else {
                    pending.append(Pending(
                        index: index, letter: letter, key: key, bytes: bytes, corrected: corrected, partition: partition))
                }
            }
        }
        if !pending.isEmpty {
            for (index, report) in try await replay(pending, log: log, admin: admin) {
                reports[index] = report
            }
        }
        return (reports.compactMap { $0 }, plan.unmatchedCorrections)
    }

    /// A dead letter to replay: its report's index, what to produce and where.
    private struct Pending: Sendable {
        let index: Int
        let letter: DeadLetter
        let key: String?
        let bytes: [UInt8]
        let corrected: Bool
        let partition: Int32
    }

    /// Claims, produces and records `pending` replays; the report of each by its index.
    private func replay(_ pending: [Pending], log: LogSnapshot, admin: KafkaAdmin) async throws -> [(Int, Report)] {
        let jobEnds = try await KafkaTopicTail(configuration: settings.readerConfiguration(), topic: settings.jobsTopic).endOffsets()
        let producer = try KafkaProducer(configuration: settings.producerConfiguration())
        func entry(_ item: Pending, _ state: ReplayLogRecord.State, offset: Int64? = nil) -> ReplayLogRecord {
            ReplayLogRecord(
                state: state, deadLetter: item.letter.position, runID: runID, jobID: item.key, corrected: item.corrected,
                jobsTopic: settings.jobsTopic, jobsPartition: item.partition, jobsScanFrom: jobEnds[item.partition] ?? 0,
                jobsOffset: offset, at: Date(), host: host)
        }
        func logMessage(_ record: ReplayLogRecord, _ letter: DeadLetter) throws -> KafkaProducerMessage {
            KafkaProducerMessage(
                topic: logTopic, partition: letter.record.partition % Int32(max(log.partitionCount, 1)),
                key: Array(record.deadLetter.utf8), value: try record.encoded())
        }
        var reports: [(Int, Report)] = []
        // 1. Claim: the replaying entries, acknowledged before any job is produced.
        let claims = try pending.map { try logMessage(entry($0, .replaying), $0.letter) }
        var claimed: [Pending] = []
        for (item, outcome) in zip(pending, await producer.sendAll(claims)) {
            if case .failure(let error) = outcome {
                reports.append((item.index, Report(letter: item.letter, action: "failed", reason: "could not write the replay log: \(error)")))
            } else {
                claimed.append(item)
            }
        }
        // 2. Races: the first replaying entry since this run read the log wins; a run that lost withdraws.
        let since = try await readLog(from: log.ends, admin: admin, firstOnly: true)
        var winners: [Pending] = []
        for item in claimed {
            if let first = since.entries[item.letter.position], first.runID != runID {
                reports.append((item.index, Report(
                    letter: item.letter, action: "claimed_elsewhere",
                    reason: "another replay run (\(first.runID) on \(first.host)) claimed it first")))
            } else {
                winners.append(item)
            }
        }
        // 3. The jobs, each marked with the dead letter it replays.
        let jobs = winners.map { item in
            KafkaProducerMessage(
                topic: settings.jobsTopic, partition: item.partition, key: item.key.map { Array($0.utf8) }, value: item.bytes,
                headers: [KafkaHeader(name: ReplayLogRecord.replayHeader, text: item.letter.position)])
        }
        var produced: [(item: Pending, offset: Int64)] = []
        for (item, outcome) in zip(winners, await producer.sendAll(jobs)) {
            switch outcome {
            case .success(let report): produced.append((item, report.offset))
            case .failure(let error):
                reports.append((item.index, Report(
                    letter: item.letter, action: "failed",
                    reason: "not delivered (\(error)); the next run looks for it and replays it if it is not there",
                    jobsPartition: item.partition)))
            }
        }
        // 4. Done: the replayed entries. A lost one is recovered by the next run through the header.
        let done = try produced.map { try logMessage(entry($0.item, .replayed, offset: $0.offset), $0.item.letter) }
        for ((item, offset), outcome) in zip(produced, await producer.sendAll(done)) {
            var report = Report(
                letter: item.letter, action: "replayed", jobsPartition: item.partition, jobsOffset: offset, corrected: item.corrected)
            if case .failure(let error) = outcome {
                report.reason = "the replay log entry was not written (\(error)); the next run finds the job by its header"
            }
            reports.append((item.index, report))
        }
        await producer.close(timeout: .seconds(10))
        return reports
    }

    /// The replay log from `starts` (per partition; the beginning when nil): the latest entry per position, or with
    /// `firstOnly` the first one; and each partition's end.
    private func readLog(from starts: [Int32: Int64]?, admin: KafkaAdmin, firstOnly: Bool = false) async throws -> LogSnapshot {
        var snapshot = LogSnapshot()
        snapshot.partitionCount = try await admin.partitionCount(of: logTopic)
        let reader = try KafkaPartitionReader(configuration: settings.readerConfiguration())
        for partition in 0..<Int32(snapshot.partitionCount) {
            snapshot.ends[partition] = try await reader.read(
                topic: logTopic, partition: partition, from: starts?[partition] ?? KafkaOffset.beginning
            ) { records in
                for record in records {
                    guard let key = record.keyText, let entry = ReplayLogRecord.decode(record.value) else { continue }
                    if firstOnly, snapshot.entries[key] != nil { continue }
                    snapshot.entries[key] = entry
                }
            }
        }
        return snapshot
    }

    /// Settles `replaying` entries of selected dead letters that have no `replayed` one: a run stopped between
    /// claiming and recording. The job message is looked for by its header; found, the entry becomes `replayed`
    /// (written, unless a dry run); not found, the claim is dropped and the dead letter is planned afresh.
    /// Returns the positions found that way.
    private func settleStoppedRuns(letters: [DeadLetter], log: inout LogSnapshot, dryRun: Bool) async throws -> Set<String> {
        let scanner = PartitionScanner(configuration: settings.readerConfiguration(), limit: scanLimit)
        var found: Set<String> = []
        var records: [KafkaProducerMessage] = []
        for letter in letters {
            guard var entry = log.entries[letter.position], entry.state == .replaying else { continue }
            let position = letter.position
            let (match, _) = try await scanner.first(
                topic: entry.jobsTopic, partition: entry.jobsPartition, from: entry.jobsScanFrom
            ) { $0.header(ReplayLogRecord.replayHeader)?.text == position }
            guard let match else {
                log.entries[position] = nil
                continue
            }
            entry.state = .replayed
            entry.jobsOffset = match.offset
            entry.runID = runID
            entry.at = Date()
            entry.host = host
            log.entries[position] = entry
            found.insert(position)
            records.append(KafkaProducerMessage(
                topic: logTopic, partition: letter.record.partition % Int32(max(log.partitionCount, 1)),
                key: Array(position.utf8), value: try entry.encoded()))
        }
        if !dryRun, !records.isEmpty {
            let producer = try KafkaProducer(configuration: settings.producerConfiguration())
            for outcome in await producer.sendAll(records) { _ = try outcome.get() }
            await producer.close(timeout: .seconds(10))
        }
        return found
    }
}

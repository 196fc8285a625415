import AvatarJobs
import Foundation
import Kafka

/// Where `status` found one job, from Kafka alone, and what it read to find it.
struct JobLocation: Sendable {
    /// The place, in the order `status` looks.
    enum Place: Sendable {
        /// Ended: its terminal event on the results topic.
        case ended(AvatarResultEvent, partition: Int32, offset: Int64)
        /// In flight: its live ledger record (`submitting` or `submitted`), and its latest progress event if any.
        case inFlight(AvatarTaskRecord, ledgerOffset: Int64, progress: AvatarResultEvent?)
        /// Not taken yet: its message on the jobs topic after the group's committed offset.
        case waiting(offset: Int64, committedOffset: Int64?)
        /// In none of the scanned ranges.
        case notFound
    }

    /// The job's id.
    let jobID: String
    /// The jobs (and ledger) partition its id maps to.
    let jobsPartition: Int32
    /// Where it is.
    var place: Place = .notFound
    /// What was read to decide.
    var scanned: [ScannedRange] = []
    /// Facts worth knowing beside the place (a tombstone without a terminal event, an unreadable record).
    var notes: [String] = []

    /// Whether the job was found anywhere.
    var isFound: Bool { if case .notFound = place { false } else { true } }

    /// The location as one JSON object.
    func json(settings: ClientSettings) -> [String: Any] {
        var object: [String: Any] = ["job_id": jobID, "jobs_partition": Int(jobsPartition), "scanned": scanned.map(\.json)]
        if !notes.isEmpty { object["notes"] = notes }
        switch place {
        case .ended(let event, let partition, let offset):
            object["where"] = "results"
            object["type"] = event.type.rawValue
            object["topic"] = settings.resultsTopic
            object["partition"] = Int(partition)
            object["offset"] = Int(offset)
            object["event"] = (try? JSONSerialization.jsonObject(with: Data(ContractCoding.encode(event)))) ?? NSNull()
        case .inFlight(let record, let ledgerOffset, let progress):
            object["where"] = "ledger"
            object["state"] = record.state.rawValue
            object["task_id"] = record.taskID ?? NSNull()
            object["external_task_id"] = record.externalTaskID
            object["topic"] = settings.tasksTopic
            object["partition"] = record.jobPartition
            object["offset"] = Int(ledgerOffset)
            object["since"] = Self.timestamp(record.submittedAt ?? record.createdAt)
            object["worker"] = record.worker.id
            if let progress { object["progress"] = progress.type.rawValue }
        case .waiting(let offset, let committed):
            object["where"] = "jobs"
            object["topic"] = settings.jobsTopic
            object["partition"] = Int(jobsPartition)
            object["offset"] = Int(offset)
            object["committed_offset"] = committed.map { Int($0) } ?? NSNull()
            object["ahead"] = Int(offset - (committed ?? offset))
        case .notFound:
            object["where"] = "not_found"
        }
        return object
    }

    /// The location for a person: one line, plus what was scanned when that matters.
    func text(settings: ClientSettings, now: Date) -> String {
        var line: String
        switch place {
        case .ended(let event, let partition, let offset):
            line = "\(jobID): ended \(event.type.rawValue) at \(Self.timestamp(event.occurredAt)) "
                + "(\(settings.resultsTopic)[\(partition)]@\(offset))"
            if let error = event.error { line += ": \(error.code): \(error.message)" }
            if let url = event.videos?.first?.url { line += ": video \(url)" }
        case .inFlight(let record, let ledgerOffset, let progress):
            let since = record.submittedAt ?? record.createdAt
            line = "\(jobID): in flight, \(record.state.rawValue)"
                + (record.taskID.map { " task \($0)" } ?? "") + (progress.map { ", last event \($0.type.rawValue)" } ?? "")
                + ", since \(Self.timestamp(since)) (\(Self.age(now.timeIntervalSince(since))) ago), owner partition "
                + "\(record.jobPartition), worker \(record.worker.id) (\(settings.tasksTopic)[\(record.jobPartition)]@\(ledgerOffset))"
        case .waiting(let offset, let committed):
            line = "\(jobID): waiting in \(settings.jobsTopic)[\(jobsPartition)]@\(offset), not taken by a worker yet; "
                + (committed.map { "\(offset - $0) message(s) ahead of it after group \(settings.group)'s committed offset \($0)" }
                    ?? "group \(settings.group) has committed nothing on that partition")
        case .notFound:
            line = "\(jobID): not found in \(scanned.map(\.description).joined(separator: "; "))"
        }
        if isFound, scanned.contains(where: { $0.skippedOlder || $0.skippedNewer }) {
            line += "\n    scanned: " + scanned.map(\.description).joined(separator: "; ")
        }
        return ([line] + notes.map { "    note: \($0)" }).joined(separator: "\n")
    }

    private static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
    }

    private static func age(_ seconds: TimeInterval) -> String {
        let whole = max(Int(seconds), 0)
        if whole < 120 { return "\(whole) s" }
        if whole < 7200 { return "\(whole / 60) min" }
        return "\(whole / 3600) h"
    }
}

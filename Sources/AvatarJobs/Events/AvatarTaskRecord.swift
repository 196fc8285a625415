import Foundation
import StrictJSON

/// The worker's ledger entry for one job on the compacted `avatar.tasks` topic
/// (`schemas/avatar-task.v1.schema.json`), keyed by `job_id`, on the same partition number as the job.
///
/// It holds everything needed to resume polling after a crash or rebalance and to write the result event without the
/// original job message. The media are deliberately not stored: while a job is only `submitting`, its offset is not
/// yet committed, so the job itself will be delivered again if the create call has to be repeated. A tombstone
/// (null value) for the key ends the record once the result event is durable.
public struct AvatarTaskRecord: Sendable, Hashable, Codable {
    /// The schema this record follows: always `avatar-task.v1`.
    public var schema: String = AvatarTaskRecord.schemaName
    /// Where the submission stands.
    public var state: State
    /// The job's id (also the Kafka key).
    public var jobID: String
    /// The id sent as `external_task_id`; chosen before the HTTP call so an unknown outcome can be reconciled.
    public var externalTaskID: String
    /// The API's task id (`submitted` only).
    public var taskID: String?
    /// Submission number, from 1; a deliberate resubmission increments it (and the external id).
    public var attempt: Int
    /// The generation mode (the poll scheduler's first delay depends on it).
    public var mode: AvatarMode
    /// Partition of the job message on the jobs topic.
    public var jobPartition: Int
    /// Offset of the job message.
    public var jobOffset: Int64
    /// When the worker first took the job (the deadline counts from here).
    public var createdAt: Date
    /// When the API accepted the task (`submitted` only).
    public var submittedAt: Date?
    /// Latest time to keep trying the create call.
    public var submitDeadline: Date
    /// Latest time to wait for the task to end; afterwards the job fails with `deadline.exceeded`.
    public var deadline: Date
    /// The job's `metadata`, to echo into the result.
    public var metadata: [String: JSONValue]?
    /// The job's `callback_url`, if any.
    public var callbackURL: String?
    /// W3C `traceparent` of the job message, so the result continues its trace.
    public var traceparent: String?
    /// Whether a watermarked copy was requested.
    public var watermark: Bool
    /// The audio's duration when known (inline audio), for usage and poll pacing.
    public var audioSeconds: Double?
    /// Validator notes to carry into the result (e.g. removed `data:` prefixes).
    public var notes: [ValidationNote]?
    /// The worker that wrote this record.
    public var worker: AvatarResultEvent.WorkerInfo

    /// The value of `schema`.
    public static let schemaName = "avatar-task.v1"

    /// The live states; the end of a record is a tombstone, not a state.
    public enum State: String, Sendable, Hashable, Codable {
        /// The `external_task_id` is chosen and the create call may be in flight: its outcome is unknown.
        case submitting
        /// The API returned `task_id`; polling can resume from this record alone.
        case submitted
        /// The terminal result event is acked; only the tombstone is missing, because it must wait for the commit
        /// that covers the job's offset. Written only when an owner hands the job over before that commit, so the
        /// next owner neither polls nor publishes again.
        case published
    }

    /// A `submitting` record for a validated job taken from `partition`/`offset` at `now`.
    public init(
        submitting job: ValidatedJob, attempt: Int, partition: Int, offset: Int64, now: Date,
        submitDeadline: Date, traceparent: String?, worker: AvatarResultEvent.WorkerInfo
    ) {
        state = .submitting
        jobID = job.job.jobID
        externalTaskID = job.externalTaskID(attempt: UInt32(clamping: attempt))
        self.attempt = attempt
        mode = job.job.mode
        jobPartition = partition
        jobOffset = offset
        createdAt = now
        self.submitDeadline = min(submitDeadline, now.addingTimeInterval(TimeInterval(job.deadlineSeconds)))
        deadline = now.addingTimeInterval(TimeInterval(job.deadlineSeconds))
        metadata = job.job.metadata
        callbackURL = job.job.callbackURL
        self.traceparent = traceparent
        watermark = job.job.watermark ?? false
        audioSeconds = job.audioInfo?.durationSeconds
        notes = job.notes.isEmpty ? nil : job.notes
        self.worker = worker
    }

    /// The `published` record a hand-over writes for a rejection that no commit covers yet, keyed `key`
    /// (`rejected/<partition>/<offset>`): attempt 0 (nothing was submitted), mode `std`, every time `now`.
    public init(
        rejectionMarker key: String, externalTaskID: String, partition: Int, offset: Int64, now: Date,
        worker: AvatarResultEvent.WorkerInfo
    ) {
        state = .published
        jobID = key
        self.externalTaskID = externalTaskID
        attempt = 0
        mode = .std
        jobPartition = partition
        jobOffset = offset
        createdAt = now
        submitDeadline = now
        deadline = now
        watermark = false
        self.worker = worker
    }

    /// This record marked `published`: the result event is durable, the tombstone still waits for its commit.
    public func published() -> AvatarTaskRecord {
        var record = self
        record.state = .published
        return record
    }

    /// This record moved to `submitted` with the API's `taskID` at `now`.
    public func submitted(taskID: String, at now: Date) -> AvatarTaskRecord {
        var record = self
        record.state = .submitted
        record.taskID = taskID
        record.submittedAt = now
        return record
    }

    /// The record as the JSON bytes written to the ledger topic (sorted keys, ISO 8601 times).
    public func encoded() throws -> [UInt8] {
        Array(try ContractCoding.encoder().encode(self))
    }

    /// Reads a ledger value; throws when it does not follow the schema (including a `submitted` record without
    /// `task_id` or `submitted_at`).
    public static func decode(_ bytes: [UInt8]) throws -> AvatarTaskRecord {
        let record = try ContractCoding.decoder().decode(AvatarTaskRecord.self, from: Data(bytes))
        guard record.schema == schemaName else {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.schema], debugDescription: "schema is '\(record.schema)', expected \(schemaName)"))
        }
        if record.state == .submitted, record.taskID == nil || record.submittedAt == nil {
            throw DecodingError.dataCorrupted(.init(codingPath: [CodingKeys.taskID], debugDescription: "a submitted record needs task_id and submitted_at"))
        }
        return record
    }

    enum CodingKeys: String, CodingKey {
        case schema, state, attempt, mode, deadline, metadata, traceparent, watermark, notes, worker
        case jobID = "job_id", externalTaskID = "external_task_id", taskID = "task_id"
        case jobPartition = "job_partition", jobOffset = "job_offset", createdAt = "created_at"
        case submittedAt = "submitted_at", submitDeadline = "submit_deadline", callbackURL = "callback_url"
        case audioSeconds = "audio_seconds"
    }
}

import Foundation
import StrictJSON

/// One event on `avatar.results` (`schemas/avatar-result.v1.schema.json`): a terminal `succeeded`/`failed` event
/// per job, optionally preceded by `submitted`/`processing` progress events.
///
/// Consumers may rely on `eventID` being the same for every copy of the same event (at-least-once delivery), so
/// dropping repeated ids removes duplicates; see ``StableIdentifiers/eventID(jobID:type:attempt:)``.
public struct AvatarResultEvent: Sendable, Hashable, Codable {
    /// The schema this event follows: always `avatar-result.v1`.
    public var schema: String = AvatarResultEvent.schemaName
    /// Stable id of this event (`ev1-` + 32 hex).
    public var eventID: String
    /// What happened.
    public var type: EventType
    /// The job's id (the Kafka key).
    public var jobID: String
    /// The CometAPI/Kling task id, once known.
    public var taskID: String?
    /// The `external_task_id` the task was created with.
    public var externalTaskID: String?
    /// Generated videos (non-empty for `succeeded`).
    public var videos: [Video]?
    /// Why the job failed (`failed` only).
    public var error: ResultError?
    /// How many submissions were made (0 when the job was refused before submitting).
    public var attempts: Int
    /// When this event was produced.
    public var occurredAt: Date
    /// When the task was accepted by the API.
    public var submittedAt: Date?
    /// When the task reached its terminal state.
    public var completedAt: Date?
    /// What the task cost and produced, as far as the API reported it.
    public var usage: Usage?
    /// The job's `metadata`, unchanged.
    public var metadata: [String: JSONValue]?
    /// The worker that produced the event.
    public var worker: WorkerInfo
    /// What the validator changed (e.g. removed `data:` prefixes).
    public var notes: [ValidationNote]?

    /// The value of `schema`.
    public static let schemaName = "avatar-result.v1"

    /// Creates an event whose `eventID` is derived from `jobID`, `type` and (for progress events) `attempt`.
    public init(type: EventType, jobID: String, attempt: Int, occurredAt: Date, worker: WorkerInfo) {
        self.type = type
        self.jobID = jobID
        self.attempts = attempt
        self.occurredAt = occurredAt
        self.worker = worker
        self.eventID = StableIdentifiers.eventID(
            jobID: jobID, type: type.rawValue, attempt: type.isTerminal ? nil : UInt32(clamping: attempt))
    }

    enum CodingKeys: String, CodingKey {
        case schema, type, videos, error, attempts, usage, metadata, worker, notes
        case eventID = "event_id", jobID = "job_id", taskID = "task_id", externalTaskID = "external_task_id"
        case occurredAt = "occurred_at", submittedAt = "submitted_at", completedAt = "completed_at"
    }

    /// The kinds of event.
    public enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
        case submitted, processing, succeeded, failed
        /// Whether this ends the job (exactly one terminal event per job is intended).
        public var isTerminal: Bool { self == .succeeded || self == .failed }
    }

    /// One generated video.
    public struct Video: Sendable, Hashable, Codable {
        /// Kling's video id.
        public var id: String
        /// Download URL (Kling clears it after 30 days; copy the file).
        public var url: String
        /// The watermarked copy, when requested.
        public var watermarkURL: String?
        /// Length in seconds.
        public var durationSeconds: Double?

        /// Creates a video entry.
        public init(id: String, url: String, watermarkURL: String? = nil, durationSeconds: Double? = nil) {
            self.id = id
            self.url = url
            self.watermarkURL = watermarkURL
            self.durationSeconds = durationSeconds
        }

        enum CodingKeys: String, CodingKey {
            case id, url
            case watermarkURL = "watermark_url", durationSeconds = "duration_seconds"
        }
    }

    /// What the API charged, as strings exactly as it reported them.
    public struct Usage: Sendable, Hashable, Codable {
        /// `final_unit_deduction`.
        public var unitDeduction: String?
        /// `final_balance_deduction.quota`.
        public var balanceQuota: String?
        /// `final_balance_deduction.list_price`.
        public var balanceListPrice: String?
        /// Seconds of video generated.
        public var videoSeconds: Double?

        /// Creates a usage entry.
        public init(unitDeduction: String? = nil, balanceQuota: String? = nil, balanceListPrice: String? = nil, videoSeconds: Double? = nil) {
            self.unitDeduction = unitDeduction
            self.balanceQuota = balanceQuota
            self.balanceListPrice = balanceListPrice
            self.videoSeconds = videoSeconds
        }

        enum CodingKeys: String, CodingKey {
            case unitDeduction = "unit_deduction", balanceQuota = "balance_quota"
            case balanceListPrice = "balance_list_price", videoSeconds = "video_seconds"
        }
    }

    /// The worker that wrote an event or record.
    public struct WorkerInfo: Sendable, Hashable, Codable {
        /// The worker's instance id (host and process, or a configured name).
        public var id: String
        /// The worker's version.
        public var version: String?

        /// Creates worker info.
        public init(id: String, version: String? = nil) {
            self.id = id
            self.version = version
        }
    }
}

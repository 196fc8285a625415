import Foundation

/// A task as the query call reports it, read from either response shape (plain Kling object or CometAPI's wrapper).
///
/// A task the API calls successful but that carries no video URL is reported here with ``status`` `.failed` and a
/// ``statusMessage`` saying so: callers never see a "success" they cannot deliver.
public struct AvatarTask: Sendable, Equatable {
    /// CometAPI's task id (a long decimal string).
    public var taskID: String
    /// The caller's id, when the API echoes it.
    public var externalTaskID: String?
    /// Where the task is in its life.
    public var status: AvatarTaskStatus
    /// The provider's reason for a failure (or a note on an odd success); `nil` when none was given.
    public var statusMessage: String?
    /// Generated videos (usually one) on success.
    public var videos: [AvatarVideo]
    /// Creation time reported by the API.
    public var createdAt: Date?
    /// Last update time reported by the API.
    public var updatedAt: Date?
    /// Resource-pack units charged, as the API spells it (a decimal string).
    public var finalUnitDeduction: String?
    /// Cash charged, when the API reports it.
    public var finalBalanceDeduction: BalanceDeduction?
    /// The API's request id for this answer, for support tickets.
    public var requestID: String?

    /// A task value; used by the parser and by tests.
    public init(
        taskID: String,
        externalTaskID: String? = nil,
        status: AvatarTaskStatus,
        statusMessage: String? = nil,
        videos: [AvatarVideo] = [],
        createdAt: Date? = nil,
        updatedAt: Date? = nil,
        finalUnitDeduction: String? = nil,
        finalBalanceDeduction: BalanceDeduction? = nil,
        requestID: String? = nil
    ) {
        self.taskID = taskID
        self.externalTaskID = externalTaskID
        self.status = status
        self.statusMessage = statusMessage
        self.videos = videos
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.finalUnitDeduction = finalUnitDeduction
        self.finalBalanceDeduction = finalBalanceDeduction
        self.requestID = requestID
    }
}

/// The life of a task. `succeeded` and `failed` are terminal.
public enum AvatarTaskStatus: String, Sendable, Equatable, CaseIterable {
    /// Accepted, waiting for a worker at the provider.
    case submitted
    /// Being generated.
    case processing
    /// Finished with at least one video URL.
    case succeeded
    /// Finished without a usable video.
    case failed

    /// Whether the task will not change any more.
    public var isTerminal: Bool { self == .succeeded || self == .failed }

    /// Reads the spellings seen in the wild: Kling's `succeed`, the new dialect's `succeeded`, the wrapper's
    /// `SUCCESS`/`FAILURE`/`IN_PROGRESS`/`NOT_START`, case-insensitively. `nil` for anything else.
    public init?(wireValue: String) {
        switch wireValue.lowercased() {
        case "submitted", "queued", "pending", "not_start", "submit": self = .submitted
        case "processing", "in_progress", "running": self = .processing
        case "succeed", "succeeded", "success", "completed": self = .succeeded
        case "failed", "failure", "fail", "error": self = .failed
        default: return nil
        }
    }
}

/// One generated video.
public struct AvatarVideo: Sendable, Equatable {
    /// The provider's globally unique video id.
    public var id: String?
    /// Download URL; the provider clears it after 30 days, so copy the file at once.
    public var url: String
    /// URL of the watermarked copy, when one was requested.
    public var watermarkURL: String?
    /// Length in seconds (the API sends a decimal string).
    public var durationSeconds: Double?

    /// A video value.
    public init(id: String? = nil, url: String, watermarkURL: String? = nil, durationSeconds: Double? = nil) {
        self.id = id
        self.url = url
        self.watermarkURL = watermarkURL
        self.durationSeconds = durationSeconds
    }
}

/// Cash charged for a task: the discounted amount and the list price, both decimal strings as the API sends them.
public struct BalanceDeduction: Sendable, Equatable {
    /// What was actually charged.
    public var quota: String?
    /// The list price before discounts.
    public var listPrice: String?

    /// A deduction value.
    public init(quota: String?, listPrice: String?) {
        self.quota = quota
        self.listPrice = listPrice
    }
}

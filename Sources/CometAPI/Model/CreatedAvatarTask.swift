import Foundation

/// What a successful create call returns: the task id to persist at once, before anything else happens.
public struct CreatedAvatarTask: Sendable, Equatable {
    /// CometAPI's task id; query with it.
    public var taskID: String
    /// The status at creation (normally `submitted`); `nil` if the API left it out.
    public var status: AvatarTaskStatus?
    /// The caller's external id, when echoed.
    public var externalTaskID: String?
    /// Creation time reported by the API.
    public var createdAt: Date?
    /// The API's request id, when given.
    public var requestID: String?

    /// A created-task value.
    public init(
        taskID: String,
        status: AvatarTaskStatus? = nil,
        externalTaskID: String? = nil,
        createdAt: Date? = nil,
        requestID: String? = nil
    ) {
        self.taskID = taskID
        self.status = status
        self.externalTaskID = externalTaskID
        self.createdAt = createdAt
        self.requestID = requestID
    }
}

import AvatarJobs
import Foundation

/// What a successful poll hands to the result event: the videos and what the task cost.
public struct PollSuccess: Sendable, Equatable {
    /// The generated videos.
    public var videos: [AvatarResultEvent.Video]
    /// What the task cost, when the API said.
    public var usage: AvatarResultEvent.Usage?
    /// When the API says the task ended.
    public var completedAt: Date?

    /// A poll's success.
    public init(videos: [AvatarResultEvent.Video], usage: AvatarResultEvent.Usage? = nil, completedAt: Date? = nil) {
        self.videos = videos
        self.usage = usage
        self.completedAt = completedAt
    }
}

/// The task lifecycle the worker runs, carrying `PollSuccess` to the result.
public typealias JobLifecycle = TaskLifecycle<PollSuccess>

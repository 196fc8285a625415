import StrictJSON

/// A job message read field by field against the `avatar-job.v1` schema: every field has the right type and
/// syntax. Media content (formats, sizes, durations) is checked afterwards by ``JobValidator``, which produces a
/// ``ValidatedJob``.
public struct AvatarJob: Sendable, Hashable {
    /// The caller's id for the job; the Kafka key of everything the worker writes about it.
    public var jobID: String
    /// The portrait.
    public var image: MediaInput
    /// The speech.
    public var audio: AudioInput
    /// Instructions for actions, emotions and camera; `nil` when absent (the worker sends "").
    public var prompt: String?
    /// Generation mode; `std` when the job does not say.
    public var mode: AvatarMode
    /// Where Kling should report status changes.
    public var callbackURL: String?
    /// The caller's own `external_task_id`, replacing the derived one.
    public var externalTaskID: String?
    /// Whether to also produce a watermarked copy.
    public var watermark: Bool?
    /// Seconds from the job's arrival until the worker gives up on it.
    public var deadlineSeconds: Int?
    /// Caller data echoed unchanged into every result event.
    public var metadata: [String: JSONValue]?

    /// Creates a job (tests and producers in Swift).
    public init(
        jobID: String, image: MediaInput, audio: AudioInput, prompt: String? = nil, mode: AvatarMode = .std,
        callbackURL: String? = nil, externalTaskID: String? = nil, watermark: Bool? = nil,
        deadlineSeconds: Int? = nil, metadata: [String: JSONValue]? = nil
    ) {
        self.jobID = jobID
        self.image = image
        self.audio = audio
        self.prompt = prompt
        self.mode = mode
        self.callbackURL = callbackURL
        self.externalTaskID = externalTaskID
        self.watermark = watermark
        self.deadlineSeconds = deadlineSeconds
        self.metadata = metadata
    }

    /// The fields the job schema defines, in schema order; anything else at the top level is refused.
    public static let fieldNames: [String] = [
        "job_id", "image", "audio_id", "sound_file", "prompt", "mode", "callback_url", "external_task_id",
        "watermark", "deadline_seconds", "metadata",
    ]
}

/// Kling's generation mode: `std` (faster, cheaper, the default) or `pro` (higher quality, slower).
///
/// An enum because the API defines exactly these two; the poll scheduler uses the mode to pick its first delay.
public enum AvatarMode: String, Sendable, Codable, Hashable, CaseIterable {
    case std
    case pro
}

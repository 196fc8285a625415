/// The bounds a job must meet before it may cost an API call.
///
/// Defaults follow CometAPI's Kling Avatar page (audio 2–60 s) and Kling's create reference (image ≤ 10 MB, sides
/// ≥ 300 px, aspect 1:2.5 … 2.5:1, sound file ≤ 5 MB, prompt ≤ 2500 characters). The schema files encode the
/// defaults; changing a limit here makes the worker stricter or looser than the published schema, so do it knowingly.
public struct ValidationLimits: Sendable, Hashable {
    /// Largest decoded image, in bytes.
    public var maximumImageBytes: Int = 10 * 1024 * 1024
    /// Shortest allowed image side, in pixels.
    public var minimumImageSide: Int = 300
    /// Largest width/height and height/width ratio (2.5 means 1:2.5 … 2.5:1).
    public var maximumAspectRatio: Double = 2.5
    /// Largest decoded `sound_file`, in bytes.
    public var maximumAudioBytes: Int = 5 * 1024 * 1024
    /// Shortest allowed audio, in seconds.
    public var minimumAudioSeconds: Double = 2
    /// Longest allowed audio, in seconds: 60 through CometAPI; Kling documents up to 300.
    public var maximumAudioSeconds: Double = 60
    /// Longest `prompt`, in Unicode code points (what JSON Schema's `maxLength` counts).
    public var maximumPromptCharacters: Int = 2500
    /// Allowed `deadline_seconds`.
    public var deadlineSeconds: ClosedRange<Int> = 60...172_800
    /// Deadline used when a job gives none.
    public var defaultDeadlineSeconds: Int = 7200
    /// Largest whole message, in bytes: room for a 10 MB image and a 5 MB sound file in base64 plus fields.
    public var maximumMessageBytes: Int = 22 * 1024 * 1024
    /// Most properties in `metadata`.
    public var maximumMetadataProperties: Int = 64
    /// Longest URL, in characters.
    public var maximumURLLength: Int = 2048

    /// Kling's own ceiling for audio length; `maximumAudioSeconds` may be raised up to this, not beyond.
    public static let klingMaximumAudioSeconds: Double = 300

    /// The defaults described above.
    public init() {}

    /// The defaults with another audio maximum, clamped to `minimumAudioSeconds … klingMaximumAudioSeconds`.
    public static func allowingAudio(upTo seconds: Double) -> ValidationLimits {
        var limits = ValidationLimits()
        limits.maximumAudioSeconds = min(max(seconds, limits.minimumAudioSeconds), klingMaximumAudioSeconds)
        return limits
    }
}

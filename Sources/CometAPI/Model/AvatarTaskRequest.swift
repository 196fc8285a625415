import Foundation

/// The body of `POST /kling/v1/videos/avatar/image2video`: a portrait plus speech and options.
///
/// The client sends it as given; local validation of media belongs to the job contract (AvatarJobs). Exactly one
/// speech source exists by construction (``AvatarSpeech``). `prompt` is always sent because some CometAPI revisions
/// reject requests without it.
public struct AvatarTaskRequest: Sendable, Equatable, Encodable {
    /// Portrait as an `https` URL or raw base64 (no `data:` prefix).
    public var image: String
    /// The speech that drives the video.
    public var speech: AvatarSpeech
    /// Actions, emotions or camera hints; at most 2500 characters. Empty is allowed.
    public var prompt: String
    /// Quality mode.
    public var mode: AvatarMode
    /// Ask for an extra watermarked copy (`watermark_info.enabled`). `nil` leaves the field out.
    public var watermark: Bool?
    /// Where the provider posts status changes; `nil` leaves it out.
    public var callbackURL: String?
    /// The caller's own unique id for the task, so a lost create can be found again.
    public var externalTaskID: String?

    /// A request; see the properties for the meaning of each field.
    public init(
        image: String,
        speech: AvatarSpeech,
        prompt: String = "",
        mode: AvatarMode = .standard,
        watermark: Bool? = nil,
        callbackURL: String? = nil,
        externalTaskID: String? = nil
    ) {
        self.image = image
        self.speech = speech
        self.prompt = prompt
        self.mode = mode
        self.watermark = watermark
        self.callbackURL = callbackURL
        self.externalTaskID = externalTaskID
    }

    private enum CodingKeys: String, CodingKey {
        case image, prompt, mode
        case audioID = "audio_id"
        case soundFile = "sound_file"
        case watermarkInfo = "watermark_info"
        case callbackURL = "callback_url"
        case externalTaskID = "external_task_id"
    }

    private struct WatermarkInfo: Encodable { var enabled: Bool }

    /// Encodes the wire shape: `audio_id` or `sound_file`, optional fields left out when `nil`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(image, forKey: .image)
        switch speech {
        case .audioID(let id): try container.encode(id, forKey: .audioID)
        case .soundFile(let file): try container.encode(file, forKey: .soundFile)
        }
        try container.encode(prompt, forKey: .prompt)
        try container.encode(mode.rawValue, forKey: .mode)
        try container.encodeIfPresent(watermark.map(WatermarkInfo.init(enabled:)), forKey: .watermarkInfo)
        try container.encodeIfPresent(callbackURL, forKey: .callbackURL)
        try container.encodeIfPresent(externalTaskID, forKey: .externalTaskID)
    }
}

/// Where the avatar's speech comes from: exactly one of a TTS audio id or a sound file.
public enum AvatarSpeech: Sendable, Equatable {
    /// An `audio_id` returned by Kling TTS within the last 30 days.
    case audioID(String)
    /// A `sound_file`: an `https` URL or raw base64 of mp3/wav/m4a/aac audio.
    case soundFile(String)
}

/// The generation mode. A struct with static members so that new modes can be added without breaking callers.
public struct AvatarMode: Sendable, Hashable, RawRepresentable, CustomStringConvertible {
    /// The wire value (`std`, `pro`).
    public let rawValue: String
    /// Wraps a wire value as it is.
    public init(rawValue: String) { self.rawValue = rawValue }
    /// `std`: faster and cheaper.
    public static let standard = AvatarMode(rawValue: "std")
    /// `pro`: higher quality, slower.
    public static let professional = AvatarMode(rawValue: "pro")
    /// The wire value.
    public var description: String { rawValue }
}

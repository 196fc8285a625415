/// How a job supplies a media file (`image` or `sound_file`): a URL Kling will fetch, or the bytes inline.
public enum MediaInput: Sendable, Hashable {
    /// An absolute `http`/`https` URL without credentials (syntax already checked).
    case url(String)
    /// Base64 bytes, with the `data:` prefix that was removed from them, if any.
    case inline(Base64Text, strippedPrefix: String?)

    /// The value to send to the API: the URL, or raw base64 (never with a `data:` prefix, which the API rejects).
    public var apiValue: String {
        switch self {
        case .url(let url): url
        case .inline(let text, _): text.string
        }
    }
}

/// The job's speech: a Kling TTS `audio_id`, or a `sound_file`. Exactly one is allowed, so it is one enum.
public enum AudioInput: Sendable, Hashable {
    /// An audio id from Kling TTS.
    case audioID(String)
    /// An audio file by URL or inline.
    case soundFile(MediaInput)
}

/// Inline media as the base64 characters of the job (any `data:` prefix already removed), kept as a slice of the
/// message so that a 10 MB image is neither copied nor re-encoded on its way to the API.
public struct Base64Text: Sendable, Hashable {
    /// The ASCII base64 characters.
    public let bytes: ArraySlice<UInt8>

    /// Wraps base64 characters; the validator only creates it for text it has checked.
    public init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
    }

    /// The text as a `String`, for the API request body (one copy).
    public var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Number of base64 characters.
    public var count: Int { bytes.count }
}

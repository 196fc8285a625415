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

/// Image formats the Kling Avatar API accepts.
public enum ImageFormat: String, Sendable, Codable, Hashable {
    case png
    case jpeg
}

/// What the image probe found: the format by content and the pixel size from the header.
public struct ImageInfo: Sendable, Hashable, Codable {
    /// Format decided from the bytes, never from a name or a declared type.
    public let format: ImageFormat
    /// Width in pixels.
    public let width: Int
    /// Height in pixels.
    public let height: Int
    /// Size of the (decoded) file in bytes.
    public let byteCount: Int

    /// Creates an info value (probes and tests).
    public init(format: ImageFormat, width: Int, height: Int, byteCount: Int) {
        self.format = format
        self.width = width
        self.height = height
        self.byteCount = byteCount
    }
}

/// Recognises PNG and JPEG by their signatures and reads their dimensions without decoding pixels.
public enum ImageProbe {
    /// Probes `bytes`; throws `.unsupportedFormat` (naming what it looks like, e.g. GIF) for anything else.
    public static func probe(_ bytes: UnsafeRawBufferPointer) throws(MediaProbeError) -> ImageInfo {
        let reader = ByteReader(bytes)
        if reader.matchesPNGSignature {
            return try PNGProbe.probe(reader)
        }
        if bytes.count >= 3, bytes[0] == 0xFF, bytes[1] == 0xD8, bytes[2] == 0xFF {
            return try JPEGProbe.probe(reader)
        }
        throw .unsupported("the bytes are \(MediaSniffer.describe(reader)), not PNG or JPEG")
    }

    /// Convenience for `[UInt8]` callers.
    public static func probe(_ bytes: [UInt8]) throws(MediaProbeError) -> ImageInfo {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(MediaProbeError) in try probe(buffer) }
        }.get()
    }
}

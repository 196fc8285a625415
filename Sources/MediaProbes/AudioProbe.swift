/// Audio formats the Kling Avatar API accepts for `sound_file`.
public enum AudioFormat: String, Sendable, Codable, Hashable {
    case wav
    case mp3
    case m4a
    case aac
}

/// What the audio probe found: the format by content and the playing time.
public struct AudioInfo: Sendable, Hashable, Codable {
    /// Format decided from the bytes.
    public let format: AudioFormat
    /// Playing time in seconds, from the container's own accounting (agrees with ffprobe within 50 ms).
    public let durationSeconds: Double
    /// Size of the (decoded) file in bytes.
    public let byteCount: Int
    /// Sample rate in Hz.
    public let sampleRate: Int

    /// Creates an info value (probes and tests).
    public init(format: AudioFormat, durationSeconds: Double, byteCount: Int, sampleRate: Int) {
        self.format = format
        self.durationSeconds = durationSeconds
        self.byteCount = byteCount
        self.sampleRate = sampleRate
    }
}

/// Recognises WAV, MP3, M4A and AAC (ADTS) by content and measures their duration without decoding audio.
public enum AudioProbe {
    /// Probes `bytes`; throws `.unsupportedFormat` for anything else, `.truncated`/`.corrupt` for broken files.
    public static func probe(_ bytes: UnsafeRawBufferPointer) throws(MediaProbeError) -> AudioInfo {
        let reader = ByteReader(bytes)
        if reader.matches("RIFF", at: 0), reader.matches("WAVE", at: 8) {
            return try WAVProbe.probe(reader)
        }
        if reader.matches("ftyp", at: 4) {
            return try M4AProbe.probe(reader)
        }
        let start = try ID3v2Tag.skip(reader)
        if ADTSProbe.isSync(reader, at: start) {
            return try ADTSProbe.probe(reader, from: start)
        }
        if start > 0 || MPEGAudioFrameHeader.isSync(reader, at: start) {
            return try MP3Probe.probe(reader, from: start)
        }
        throw .unsupported("the bytes are \(MediaSniffer.describe(reader)), not MP3, WAV, M4A or AAC")
    }

    /// Convenience for `[UInt8]` callers.
    public static func probe(_ bytes: [UInt8]) throws(MediaProbeError) -> AudioInfo {
        try bytes.withUnsafeBytes { buffer in
            Result { () throws(MediaProbeError) in try probe(buffer) }
        }.get()
    }
}

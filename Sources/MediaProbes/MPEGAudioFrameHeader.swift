/// One MPEG audio frame header (MPEG-1, MPEG-2 and MPEG-2.5, layer III), decoded from its four bytes.
struct MPEGAudioFrameHeader: Equatable {
    /// 1 for MPEG-1, 2 for MPEG-2 and MPEG-2.5 (they share bitrate tables and frame layout).
    let mpegVersion: Int
    let sampleRate: Int
    let bitrateKbps: Int
    let padding: Bool
    let isMono: Bool

    private static let mpeg1Bitrates = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
    private static let mpeg2Bitrates = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]

    /// Samples per channel in one frame.
    var samplesPerFrame: Int { mpegVersion == 1 ? 1152 : 576 }

    /// Frame length in bytes including the header.
    var frameLength: Int { (samplesPerFrame / 8) * bitrateKbps * 1000 / sampleRate + (padding ? 1 : 0) }

    /// The length of a frame of this version and sample rate at the lowest bitrate without padding: no frame of the
    /// stream can be shorter.
    var shortestFrameLength: Int { (samplesPerFrame / 8) * (mpegVersion == 1 ? 32 : 8) * 1000 / sampleRate }

    /// Offset from the frame start to a Xing/Info tag (after the side information).
    var xingOffset: Int { 4 + (mpegVersion == 1 ? (isMono ? 17 : 32) : (isMono ? 9 : 17)) }

    /// Whether the 11 sync bits are at `offset` (any layer, so MP3 detection can say "layer II" precisely).
    static func isSync(_ reader: ByteReader, at offset: Int) -> Bool {
        offset >= 0 && offset <= reader.count - 2 && reader.u8(offset) == 0xFF && reader.u8(offset + 1) & 0xE0 == 0xE0
    }

    /// Decodes the header at `offset`; `nil` when the bytes are not a valid layer III header.
    /// Throws `.unsupportedFormat` for valid headers of layer I or II, which Kling does not take as MP3.
    static func parse(_ reader: ByteReader, at offset: Int) throws(MediaProbeError) -> MPEGAudioFrameHeader? {
        guard offset >= 0, offset <= reader.count - 4, isSync(reader, at: offset) else { return nil }
        let b1 = reader.u8(offset + 1), b2 = reader.u8(offset + 2), b3 = reader.u8(offset + 3)
        let versionBits = (b1 >> 3) & 0x03
        let layerBits = (b1 >> 1) & 0x03
        let bitrateIndex = Int(b2 >> 4)
        let rateIndex = Int((b2 >> 2) & 0x03)
        guard versionBits != 1, layerBits != 0, bitrateIndex != 15, rateIndex != 3 else { return nil }
        guard layerBits == 1 else {
            throw .unsupported("MPEG audio layer \(layerBits == 3 ? "I" : "II"), not layer III (MP3)")
        }
        guard bitrateIndex != 0 else { throw .unsupported("free-format MP3 bitrate") }
        let baseRate = [44100, 48000, 32000][rateIndex]
        let version = versionBits == 3 ? 1 : 2
        let sampleRate = versionBits == 3 ? baseRate : (versionBits == 2 ? baseRate / 2 : baseRate / 4)
        let bitrate = version == 1 ? mpeg1Bitrates[bitrateIndex] : mpeg2Bitrates[bitrateIndex]
        return MPEGAudioFrameHeader(
            mpegVersion: version, sampleRate: sampleRate, bitrateKbps: bitrate,
            padding: (b2 & 0x02) != 0, isMono: (b3 >> 6) == 3
        )
    }
}

/// Raw AAC in ADTS framing: walks every frame header; duration = 1024 samples × raw data blocks / sample rate.
enum ADTSProbe {
    private static let sampleRates = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350]

    /// Whether an ADTS sync word (12 one-bits, layer 00) is at `offset`.
    static func isSync(_ reader: ByteReader, at offset: Int) -> Bool {
        offset >= 0 && offset <= reader.count - 2 && reader.u8(offset) == 0xFF && reader.u8(offset + 1) & 0xF6 == 0xF0
    }

    static func probe(_ reader: ByteReader, from start: Int) throws(MediaProbeError) -> AudioInfo {
        var offset = start
        var samples = 0
        var sampleRate = 0
        var frames = 0
        while offset < reader.count {
            guard isSync(reader, at: offset) else {
                if frames > 0, MP3Probe.isTrailingTag(reader, at: offset) { break }
                throw .corrupt("no ADTS frame header at byte \(offset) after \(frames) frames")
            }
            try reader.require(offset, 7, "ADTS header")
            let b2 = reader.u8(offset + 2), b3 = reader.u8(offset + 3), b4 = reader.u8(offset + 4)
            let b5 = reader.u8(offset + 5), b6 = reader.u8(offset + 6)
            let rateIndex = Int((b2 >> 2) & 0x0F)
            guard rateIndex < sampleRates.count else { throw .corrupt("ADTS sample-rate index \(rateIndex) at byte \(offset)") }
            let rate = sampleRates[rateIndex]
            if frames == 0 {
                sampleRate = rate
            } else if rate != sampleRate {
                throw .corrupt("ADTS frame at byte \(offset) changes the sample rate")
            }
            let headerLength = (reader.u8(offset + 1) & 0x01) == 1 ? 7 : 9
            let frameLength = Int(b3 & 0x03) << 11 | Int(b4) << 3 | Int(b5 >> 5)
            guard frameLength >= headerLength else {
                throw .corrupt("ADTS frame at byte \(offset) declares \(frameLength) bytes")
            }
            guard frameLength <= reader.count - offset else {
                throw .truncated("ADTS frame at byte \(offset) needs \(frameLength) bytes; \(reader.count - offset) remain")
            }
            samples += 1024 * (Int(b6 & 0x03) + 1)
            offset += frameLength
            frames += 1
        }
        guard frames > 0 else { throw .truncated("no complete ADTS frame") }
        return AudioInfo(format: .aac, durationSeconds: Double(samples) / Double(sampleRate),
                         byteCount: reader.count, sampleRate: sampleRate)
    }
}

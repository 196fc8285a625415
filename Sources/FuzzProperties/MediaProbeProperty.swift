import MediaProbes

/// What the media fuzz target checks on every input, beyond "no crash": both probes run on the same bytes (so a
/// polyglot is seen by each), and whatever a probe answers must be possible for bytes of that length.
///
/// - the answer's `byteCount` is the input's length, and the format matches the signature at the start;
/// - an image has 1…2^31-1 pixels a side, and no more pixels than its bytes can encode: a PNG no more than
///   deflate's 1032:1 ratio gives 1-bit rows (8 × 1032 pixels a byte), a JPEG no more than one bit per 8×8 block
///   of its first scan allows (512 pixels a byte);
/// - an audio duration is finite, not negative, and no longer than the bytes last at the format's lowest rate: WAV
///   at one byte per sample, MP3 as frames no shorter than one at the lowest layer III bitrate of its MPEG
///   version (8 kbit/s for MPEG-2 and 2.5, 32 kbit/s for MPEG-1), ADTS at one 7-byte header per 4 × 1024 samples; M4A takes its duration from the
///   `mdhd` header, which is only required to be finite here (see docs/RELIABILITY.md);
/// - a refusal has a non-empty detail.
public enum MediaProbeProperty {
    /// The violations of the properties above for `bytes`; empty when all hold.
    public static func violations(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var found: [String] = []
        let count = bytes.count
        do {
            let image = try ImageProbe.probe(bytes)
            found += imageViolations(image, bytes)
        } catch {
            if error.detail.isEmpty { found.append("image refusal without detail: \(error.kind.name)") }
        }
        do {
            let audio = try AudioProbe.probe(bytes)
            if audio.byteCount != count { found.append("audio byteCount \(audio.byteCount) for \(count) bytes") }
            if audio.sampleRate <= 0 { found.append("audio sample rate \(audio.sampleRate)") }
            guard audio.durationSeconds.isFinite, audio.durationSeconds >= 0 else {
                found.append("audio duration \(audio.durationSeconds)")
                return found
            }
            if let bound = durationBound(audio, byteCount: count), audio.durationSeconds > bound {
                found.append("\(audio.format.rawValue) of \(count) bytes claims \(audio.durationSeconds) s; at most \(bound) s fit")
            }
        } catch {
            if error.detail.isEmpty { found.append("audio refusal without detail: \(error.kind.name)") }
        }
        return found
    }

    private static func imageViolations(_ image: ImageInfo, _ bytes: UnsafeRawBufferPointer) -> [String] {
        var found: [String] = []
        let count = bytes.count
        if image.byteCount != count { found.append("image byteCount \(image.byteCount) for \(count) bytes") }
        let signature: [UInt8] = image.format == .png ? [0x89, 0x50, 0x4E, 0x47] : [0xFF, 0xD8, 0xFF]
        if count < signature.count || !zip(signature, bytes).allSatisfy({ $0 == $1 }) {
            found.append("\(image.format.rawValue) answer for bytes without its signature")
        }
        let side = 1...0x7FFF_FFFF
        guard side.contains(image.width), side.contains(image.height) else {
            found.append("image size \(image.width)x\(image.height)")
            return found
        }
        let pixelsPerByte = image.format == .png ? 8 * 1032 : 512
        let (pixels, overflow) = image.width.multipliedReportingOverflow(by: image.height)
        if overflow || pixels / pixelsPerByte > count {
            found.append("\(image.format.rawValue) of \(count) bytes claims \(image.width)x\(image.height) pixels")
        }
        return found
    }

    /// The longest playing time `byteCount` bytes of `audio`'s format can hold, nil where the format gives none.
    private static func durationBound(_ audio: AudioInfo, byteCount: Int) -> Double? {
        let bytes = Double(byteCount)
        switch audio.format {
        case .wav: return bytes / Double(audio.sampleRate)
        case .mp3:
            let samplesPerFrame = audio.sampleRate >= 32000 ? 1152 : 576
            let shortestFrame = samplesPerFrame / 8 * (audio.sampleRate >= 32000 ? 32 : 8) * 1000 / audio.sampleRate
            return (bytes / Double(shortestFrame)).rounded(.down) * Double(samplesPerFrame) / Double(audio.sampleRate)
        case .aac: return bytes / 7 * 4096 / Double(audio.sampleRate)
        case .m4a: return nil
        }
    }
}

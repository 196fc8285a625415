/// MP3: finds the first layer III frame after any ID3v2 tag, reads a Xing/Info or VBRI frame count when present
/// and otherwise walks every frame; duration = frames × samples per frame / sample rate.
enum MP3Probe {
    /// How far past the tags to look for the first frame (encoders and taggers sometimes pad).
    static let syncSearchWindow = 64 * 1024

    static func probe(_ reader: ByteReader, from start: Int) throws(MediaProbeError) -> AudioInfo {
        let (first, firstOffset) = try firstFrame(reader, from: start)
        if let frames = try taggedFrameCount(reader, header: first, at: firstOffset) {
            let seconds = Double(frames) * Double(first.samplesPerFrame) / Double(first.sampleRate)
            return AudioInfo(format: .mp3, durationSeconds: seconds, byteCount: reader.count, sampleRate: first.sampleRate)
        }
        var offset = firstOffset
        var frames = 0
        while offset < reader.count {
            guard let header = try MPEGAudioFrameHeader.parse(reader, at: offset) else {
                if isTrailingTag(reader, at: offset) { break }
                throw .corrupt("no MP3 frame header at byte \(offset) after \(frames) frames")
            }
            guard header.sampleRate == first.sampleRate, header.mpegVersion == first.mpegVersion else {
                throw .corrupt("MP3 frame at byte \(offset) changes sample rate or MPEG version")
            }
            guard header.frameLength <= reader.count - offset else {
                throw .truncated("MP3 frame at byte \(offset) needs \(header.frameLength) bytes; \(reader.count - offset) remain")
            }
            offset += header.frameLength
            frames += 1
        }
        let seconds = Double(frames) * Double(first.samplesPerFrame) / Double(first.sampleRate)
        return AudioInfo(format: .mp3, durationSeconds: seconds, byteCount: reader.count, sampleRate: first.sampleRate)
    }

    /// The first header that is followed by another valid header (or the end), to avoid false syncs in padding.
    private static func firstFrame(_ reader: ByteReader, from start: Int) throws(MediaProbeError) -> (MPEGAudioFrameHeader, Int) {
        let end = min(reader.count - 4, start + syncSearchWindow)
        guard start <= end else { throw .truncated("no room for an MP3 frame header after byte \(start)") }
        var offset = start
        while offset <= end {
            if let header = try MPEGAudioFrameHeader.parse(reader, at: offset) {
                let next = offset + header.frameLength
                if next >= reader.count || isTrailingTag(reader, at: next) { return (header, offset) }
                if let following = try MPEGAudioFrameHeader.parse(reader, at: next),
                   following.sampleRate == header.sampleRate {
                    return (header, offset)
                }
                if next > reader.count - 4 {
                    throw .truncated("MP3 stream ends inside the frame header at byte \(next)")
                }
            }
            offset += 1
        }
        throw .unsupported("no MP3 frame found in the first \(syncSearchWindow) bytes after byte \(start)")
    }

    /// Frame count from a Xing/Info tag (flag 1) or a VBRI tag, checking the declared stream size against the file.
    private static func taggedFrameCount(_ reader: ByteReader, header: MPEGAudioFrameHeader, at frame: Int) throws(MediaProbeError) -> Int? {
        let xing = frame + header.xingOffset
        if reader.matches("Xing", at: xing) || reader.matches("Info", at: xing) {
            try reader.require(xing, 8, "Xing header")
            let flags = reader.u32be(xing + 4)
            guard flags & 0x01 != 0 else { return nil }
            try reader.require(xing + 8, 4, "Xing frame count")
            let frames = Int(reader.u32be(xing + 8))
            if flags & 0x02 != 0 {
                try reader.require(xing + 12, 4, "Xing byte count")
                try checkDeclaredBytes(reader, Int(reader.u32be(xing + 12)), from: frame)
            }
            try checkDeclaredFrames(reader, frames, header: header, from: frame)
            return frames
        }
        let vbri = frame + 36
        if reader.matches("VBRI", at: vbri) {
            try reader.require(vbri, 18, "VBRI header")
            try checkDeclaredBytes(reader, Int(reader.u32be(vbri + 10)), from: frame)
            let frames = Int(reader.u32be(vbri + 14))
            try checkDeclaredFrames(reader, frames, header: header, from: frame)
            return frames
        }
        return nil
    }

    private static func checkDeclaredBytes(_ reader: ByteReader, _ declared: Int, from frame: Int) throws(MediaProbeError) {
        guard declared <= reader.count - frame else {
            throw .truncated("the MP3 tag declares \(declared) bytes of audio; \(reader.count - frame) are present")
        }
    }

    /// A tag's frame count must fit in the bytes: every frame is at least as long as one at the lowest bitrate of
    /// its MPEG version, so a 3 KB file whose tag claims ten minutes of frames is refused, not believed.
    private static func checkDeclaredFrames(
        _ reader: ByteReader, _ frames: Int, header: MPEGAudioFrameHeader, from frame: Int
    ) throws(MediaProbeError) {
        let shortest = header.shortestFrameLength
        guard frames <= (reader.count - frame) / shortest else {
            throw .corrupt("the MP3 tag declares \(frames) frames; \(reader.count - frame) bytes hold at most "
                + "\((reader.count - frame) / shortest) frames of \(shortest) bytes")
        }
    }

    /// ID3v1, APEv2 or Lyrics3 tags, which may follow the last frame.
    static func isTrailingTag(_ reader: ByteReader, at offset: Int) -> Bool {
        reader.matches("TAG", at: offset) || reader.matches("APETAGEX", at: offset) || reader.matches("LYRICS", at: offset)
    }
}

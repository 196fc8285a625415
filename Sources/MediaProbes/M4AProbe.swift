/// M4A (AAC in MP4): `ftyp`, then `moov`; the duration is the sound track's `mdhd` duration / timescale (version 0
/// or 1), else `mvhd`'s. A file without a sound track is an unsupported format; every box is bounds-checked.
enum M4AProbe {
    static func probe(_ reader: ByteReader) throws(MediaProbeError) -> AudioInfo {
        let top = try ISOBox.children(reader, in: 0..<reader.count)
        guard top.first?.type == "ftyp" else { throw .corrupt("MP4 file does not start with ftyp") }
        guard let moov = top.first(where: { $0.type == "moov" }) else {
            throw .truncated("MP4 file has no moov box")
        }
        let movie = try ISOBox.children(reader, in: moov.payloadOffset..<moov.end)
        for trak in movie where trak.type == "trak" {
            let trackBoxes = try ISOBox.children(reader, in: trak.payloadOffset..<trak.end)
            guard let mdia = trackBoxes.first(where: { $0.type == "mdia" }) else { continue }
            let media = try ISOBox.children(reader, in: mdia.payloadOffset..<mdia.end)
            guard let hdlr = media.first(where: { $0.type == "hdlr" }),
                  let mdhd = media.first(where: { $0.type == "mdhd" })
            else { continue }
            try reader.require(hdlr.payloadOffset, 12, "MP4 hdlr box")
            guard hdlr.end - hdlr.payloadOffset >= 12, reader.matches("soun", at: hdlr.payloadOffset + 8) else { continue }
            let (timescale, duration) = try timing(reader, mdhd, what: "mdhd")
            var seconds = Double(duration) / Double(timescale)
            if let edts = trackBoxes.first(where: { $0.type == "edts" }),
               let mvhd = movie.first(where: { $0.type == "mvhd" }),
               let edited = try editedDuration(reader, edts: edts, movieTimescale: timing(reader, mvhd, what: "mvhd").timescale) {
                seconds = edited
            }
            return AudioInfo(format: .m4a, durationSeconds: seconds, byteCount: reader.count, sampleRate: timescale)
        }
        guard movie.contains(where: { $0.type == "trak" }) else {
            throw .corrupt("MP4 moov has no tracks")
        }
        throw .unsupported("MP4 file has no sound track")
    }

    /// The presented duration from an edit list (`edts`/`elst`, v0 or v1): the sum of the non-empty edits'
    /// segment durations in the movie timescale. This drops the encoder's priming samples, as players and ffprobe do.
    static func editedDuration(_ reader: ByteReader, edts: ISOBox, movieTimescale: Int) throws(MediaProbeError) -> Double? {
        guard let elst = try ISOBox.children(reader, in: edts.payloadOffset..<edts.end).first(where: { $0.type == "elst" }) else {
            return nil
        }
        try reader.require(elst.payloadOffset, 8, "MP4 elst header")
        let version = reader.u8(elst.payloadOffset)
        guard version <= 1 else { throw .corrupt("MP4 elst version \(version)") }
        let entryCount = Int(reader.u32be(elst.payloadOffset + 4))
        let entrySize = version == 1 ? 20 : 12
        guard entryCount <= (elst.end - elst.payloadOffset - 8) / entrySize else {
            throw .corrupt("MP4 elst declares \(entryCount) entries, more than fit in the box")
        }
        var total: UInt64 = 0
        for index in 0..<entryCount {
            let entry = elst.payloadOffset + 8 + index * entrySize
            let segment = version == 1 ? reader.u64be(entry) : UInt64(reader.u32be(entry))
            let mediaTime = version == 1 ? Int64(bitPattern: reader.u64be(entry + 8)) : Int64(Int32(bitPattern: reader.u32be(entry + 4)))
            guard mediaTime != -1 else { continue }
            let (sum, overflow) = total.addingReportingOverflow(segment)
            guard !overflow else { throw .corrupt("MP4 elst durations overflow") }
            total = sum
        }
        return total == 0 ? nil : Double(total) / Double(movieTimescale)
    }

    /// Timescale and duration from an `mvhd` or `mdhd` full box: v0 has 32-bit times, v1 64-bit.
    static func timing(_ reader: ByteReader, _ box: ISOBox, what: String) throws(MediaProbeError) -> (timescale: Int, duration: UInt64) {
        try reader.require(box.payloadOffset, 4, "MP4 \(what) version")
        let version = reader.u8(box.payloadOffset)
        let needed = version == 1 ? 32 : 20
        guard version <= 1 else { throw .corrupt("MP4 \(what) version \(version)") }
        guard box.end - box.payloadOffset >= needed else { throw .corrupt("MP4 \(what) is \(box.end - box.payloadOffset) bytes") }
        let timesOffset = box.payloadOffset + 4 + (version == 1 ? 16 : 8)
        let timescale = Int(reader.u32be(timesOffset))
        let duration = version == 1 ? reader.u64be(timesOffset + 4) : UInt64(reader.u32be(timesOffset + 4))
        guard timescale > 0 else { throw .corrupt("MP4 \(what) timescale is 0") }
        guard duration != UInt64.max, duration != UInt64(UInt32.max) || version == 1 else {
            throw .corrupt("MP4 \(what) duration is unknown (all ones)")
        }
        return (timescale, duration)
    }
}

/// ID3v2 tags ahead of MP3 or ADTS audio: synchsafe sizes, the footer flag, several tags in a row.
enum ID3v2Tag {
    static let maximumTags = 16

    /// Offset of the first byte after any leading ID3v2 tags (0 when there is none).
    static func skip(_ reader: ByteReader) throws(MediaProbeError) -> Int {
        var offset = 0
        var tags = 0
        while reader.matches("ID3", at: offset) {
            try reader.require(offset, 10, "ID3v2 header")
            let major = reader.u8(offset + 3)
            guard major >= 2, major <= 4, reader.u8(offset + 4) != 0xFF else {
                throw .corrupt("ID3v2 version 2.\(major) at byte \(offset)")
            }
            var size = 0
            for index in 6..<10 {
                let byte = reader.u8(offset + index)
                guard byte < 0x80 else { throw .corrupt("ID3v2 size byte 0x\(String(byte, radix: 16)) is not synchsafe") }
                size = size << 7 | Int(byte)
            }
            let footer = (reader.u8(offset + 5) & 0x10) != 0 ? 10 : 0
            let total = 10 + size + footer
            guard total <= reader.count - offset else {
                throw .truncated("ID3v2 tag declares \(total) bytes at byte \(offset); \(reader.count - offset) remain")
            }
            offset += total
            tags += 1
            guard tags < maximumTags else { throw .corrupt("more than \(maximumTags) ID3v2 tags in a row") }
        }
        return offset
    }
}

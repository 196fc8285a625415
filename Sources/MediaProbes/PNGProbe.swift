/// PNG: signature, then the IHDR chunk for the size; the chunk list is walked to IEND so a cut-off file is
/// reported as truncated rather than accepted.
enum PNGProbe {
    /// Upper bound on chunks walked; real images have a few dozen.
    static let maximumChunks = 1_000_000

    static func probe(_ reader: ByteReader) throws(MediaProbeError) -> ImageInfo {
        try reader.require(8, 25, "IHDR chunk")
        guard reader.u32be(8) == 13, reader.matches("IHDR", at: 12) else {
            throw .corrupt("the first PNG chunk is \(reader.fourCC(12)), not a 13-byte IHDR")
        }
        let width = reader.u32be(16)
        let height = reader.u32be(20)
        guard width > 0, height > 0, width <= 0x7FFF_FFFF, height <= 0x7FFF_FFFF else {
            throw .corrupt("IHDR size \(width)x\(height) is outside 1…2^31-1")
        }
        var offset = 8
        var chunks = 0
        while true {
            try reader.require(offset, 12, "PNG chunk header")
            let length = Int(reader.u32be(offset))
            guard length <= 0x7FFF_FFFF else { throw .corrupt("PNG chunk at byte \(offset) declares \(length) bytes") }
            try reader.require(offset + 8, length + 4, "PNG chunk \(reader.fourCC(offset + 4))")
            if reader.matches("IEND", at: offset + 4) { break }
            offset += 12 + length
            chunks += 1
            guard chunks < maximumChunks else { throw .corrupt("more than \(maximumChunks) PNG chunks") }
        }
        return ImageInfo(format: .png, width: Int(width), height: Int(height), byteCount: reader.count)
    }
}

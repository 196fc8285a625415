/// PNG: signature, then the IHDR chunk for the size; the chunk list is walked to IEND so a cut-off file is
/// reported as truncated rather than accepted.
enum PNGProbe {
    /// Upper bound on chunks walked; real images have a few dozen.
    static let maximumChunks = 1_000_000
    /// The most a deflate stream can expand: 258 bytes from each length code of about two bits.
    static let maximumDeflateRatio: Double = 1032

    /// Bits per pixel from IHDR's bit depth and colour type (unknown colour types count as one channel, the least).
    private static func bitsPerPixel(_ reader: ByteReader) -> Int {
        let depth = Int(reader.u8(24))
        let channels = switch reader.u8(25) {
        case 2: 3
        case 4: 2
        case 6: 4
        default: 1
        }
        return max(1, depth) * channels
    }

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
        var compressedBytes = 0
        while true {
            try reader.require(offset, 12, "PNG chunk header")
            let length = Int(reader.u32be(offset))
            guard length <= 0x7FFF_FFFF else { throw .corrupt("PNG chunk at byte \(offset) declares \(length) bytes") }
            try reader.require(offset + 8, length + 4, "PNG chunk \(reader.fourCC(offset + 4))")
            if reader.matches("IEND", at: offset + 4) { break }
            if reader.matches("IDAT", at: offset + 4) { compressedBytes += length }
            offset += 12 + length
            chunks += 1
            guard chunks < maximumChunks else { throw .corrupt("more than \(maximumChunks) PNG chunks") }
        }
        // Deflate expands at most 1032-fold, so the image data must be large enough for the rows IHDR declares (a
        // filter byte and the packed pixels each; interlacing only adds to that).
        let rowBytes = 1 + (Double(width) * Double(bitsPerPixel(reader)) / 8).rounded(.up)
        let needed = Double(height) * rowBytes
        guard needed <= Double(compressedBytes) * maximumDeflateRatio else {
            throw .corrupt("IHDR claims \(width)x\(height) pixels, \(Int(needed)) bytes of rows; \(compressedBytes) bytes of "
                + "IDAT inflate to at most \(Int(Double(compressedBytes) * maximumDeflateRatio))")
        }
        return ImageInfo(format: .png, width: Int(width), height: Int(height), byteCount: reader.count)
    }
}

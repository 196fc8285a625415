/// JPEG: walks the marker segments from SOI to the first SOFn (baseline, extended, progressive, lossless,
/// arithmetic), skipping APPn/EXIF, fill bytes and stand-alone markers, then on to SOS, and requires an EOI after
/// the scan so a cut-off file is reported as truncated.
enum JPEGProbe {
    /// Pixels one byte of a JPEG can encode at most: one bit per 8×8 block (the least a DC coefficient costs).
    static let maximumPixelsPerByte = 512

    static func probe(_ reader: ByteReader) throws(MediaProbeError) -> ImageInfo {
        var offset = 2
        var size: (width: Int, height: Int)?
        while true {
            try reader.require(offset, 2, "JPEG marker")
            guard reader.u8(offset) == 0xFF else {
                throw .corrupt("expected a JPEG marker at byte \(offset), found 0x\(String(reader.u8(offset), radix: 16))")
            }
            var markerOffset = offset + 1
            while markerOffset < reader.count, reader.u8(markerOffset) == 0xFF { markerOffset += 1 }
            try reader.require(markerOffset, 1, "JPEG marker code")
            let marker = reader.u8(markerOffset)
            offset = markerOffset + 1
            switch marker {
            case 0x01, 0xD0...0xD7:
                continue
            case 0x00, 0xD8:
                throw .corrupt("unexpected JPEG marker 0x\(String(marker, radix: 16)) at byte \(markerOffset)")
            case 0xD9:
                throw .corrupt("JPEG ends (EOI) before any image scan")
            default:
                break
            }
            try reader.require(offset, 2, "JPEG segment length")
            let length = Int(reader.u16be(offset))
            guard length >= 2 else { throw .corrupt("JPEG segment at byte \(offset) declares length \(length)") }
            try reader.require(offset, length, "JPEG segment 0x\(String(marker, radix: 16))")
            if isStartOfFrame(marker) {
                guard length >= 8 else { throw .corrupt("JPEG frame header is \(length) bytes") }
                let height = Int(reader.u16be(offset + 3))
                let width = Int(reader.u16be(offset + 5))
                guard width > 0, height > 0 else {
                    throw .corrupt("JPEG frame header gives \(width)x\(height) (DNL-defined heights are not supported)")
                }
                size = (width, height)
            } else if marker == 0xDA {
                guard let size else { throw .corrupt("JPEG scan starts before any frame header") }
                // Every 8×8 block of the first scan costs at least one bit, so a frame header that claims more
                // pixels than that lies about the size (a 600-byte file claiming 65535×65535).
                guard size.width * size.height / maximumPixelsPerByte <= reader.count else {
                    throw .corrupt("JPEG frame header claims \(size.width)x\(size.height) pixels; \(reader.count) bytes "
                        + "hold at most \(reader.count * maximumPixelsPerByte) (one bit per 8×8 block)")
                }
                guard hasEndOfImage(reader, after: offset + length) else {
                    throw .truncated("JPEG has no end-of-image marker after its scan")
                }
                return ImageInfo(format: .jpeg, width: size.width, height: size.height, byteCount: reader.count)
            }
            offset += length
        }
    }

    /// SOF0–SOF3, SOF5–SOF7, SOF9–SOF11, SOF13–SOF15 (C4 DHT, C8 JPG and CC DAC share the range but are not frames).
    static func isStartOfFrame(_ marker: UInt8) -> Bool {
        (0xC0...0xCF).contains(marker) && marker != 0xC4 && marker != 0xC8 && marker != 0xCC
    }

    /// Looks for FF D9 from the end backwards (encoders put it last), allowing trailing bytes after it.
    private static func hasEndOfImage(_ reader: ByteReader, after start: Int) -> Bool {
        var index = reader.count - 2
        while index >= start {
            if reader.u8(index) == 0xFF, reader.u8(index + 1) == 0xD9 { return true }
            index -= 1
        }
        return false
    }
}

/// Bounds-checked integer reads from a media buffer: every read names what it was reading, so a short file reports
/// `media.truncated` with the structure that was cut off instead of reading out of bounds.
struct ByteReader {
    let bytes: UnsafeRawBufferPointer

    init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    var count: Int { bytes.count }

    /// Throws `truncated` unless `length` bytes are available at `offset`.
    @inline(__always)
    func require(_ offset: Int, _ length: Int, _ what: @autoclosure () -> String) throws(MediaProbeError) {
        guard offset >= 0, length >= 0, offset <= bytes.count, length <= bytes.count - offset else {
            throw .truncated("\(what()) at byte \(offset) needs \(length) bytes; the file has \(bytes.count)")
        }
    }

    @inline(__always) func u8(_ offset: Int) -> UInt8 { bytes[offset] }

    @inline(__always) func u16be(_ offset: Int) -> UInt16 {
        UInt16(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) func u32be(_ offset: Int) -> UInt32 {
        UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    @inline(__always) func u64be(_ offset: Int) -> UInt64 {
        UInt64(bigEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always) func u16le(_ offset: Int) -> UInt16 {
        UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
    }

    @inline(__always) func u32le(_ offset: Int) -> UInt32 {
        UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Whether the ASCII `tag` is at `offset` (false when out of bounds).
    func matches(_ tag: StaticString, at offset: Int) -> Bool {
        let length = tag.utf8CodeUnitCount
        guard offset >= 0, offset <= bytes.count - length else { return false }
        let pointer = tag.utf8Start
        for index in 0..<length where bytes[offset + index] != pointer[index] { return false }
        return true
    }

    /// Whether the 8-byte PNG signature (89 50 4E 47 0D 0A 1A 0A) starts the buffer.
    var matchesPNGSignature: Bool {
        bytes.count >= 8 && bytes[0] == 0x89 && matches("PNG\r\n", at: 1) && bytes[6] == 0x1A && bytes[7] == 0x0A
    }

    /// The four bytes at `offset` as printable text (for error details).
    func fourCC(_ offset: Int) -> String {
        guard offset >= 0, offset <= bytes.count - 4 else { return "?" }
        return String((0..<4).map { index -> Character in
            let byte = bytes[offset + index]
            return (0x20...0x7E).contains(byte) ? Character(Unicode.Scalar(byte)) : "?"
        })
    }
}

/// One ISO base media file box (MP4/M4A): its type, where its payload lies, from 32-bit, 64-bit (`size == 1`) and
/// to-end-of-parent (`size == 0`) headers, each checked against the bytes of its parent.
struct ISOBox {
    let type: String
    let offset: Int
    let payloadOffset: Int
    let end: Int

    /// Most boxes walked at one level; a file with more is treated as hostile.
    static let maximumSiblings = 100_000

    /// Reads the box header at `offset` inside a parent that ends at `parentEnd`.
    /// A box running past the end of the file is `truncated`; one running past a complete parent is `corrupt`.
    static func read(_ reader: ByteReader, at offset: Int, parentEnd: Int, parentIsFile: Bool) throws(MediaProbeError) -> ISOBox {
        try reader.require(offset, 8, "MP4 box header")
        guard offset + 8 <= parentEnd else { throw .corrupt("MP4 box header at byte \(offset) crosses its parent's end") }
        let size32 = reader.u32be(offset)
        let type = reader.fourCC(offset + 4)
        var headerLength = 8
        let size: Int
        switch size32 {
        case 0:
            size = parentEnd - offset
        case 1:
            try reader.require(offset + 8, 8, "MP4 64-bit box size")
            let size64 = reader.u64be(offset + 8)
            guard size64 <= UInt64(Int.max) else { throw .corrupt("MP4 box \(type) declares \(size64) bytes") }
            size = Int(size64)
            headerLength = 16
        default:
            size = Int(size32)
        }
        guard size >= headerLength else {
            throw .corrupt("MP4 box \(type) at byte \(offset) declares \(size) bytes, less than its header")
        }
        guard size <= parentEnd - offset else {
            if parentIsFile {
                throw .truncated("MP4 box \(type) at byte \(offset) declares \(size) bytes; \(parentEnd - offset) remain")
            }
            throw .corrupt("MP4 box \(type) at byte \(offset) declares \(size) bytes, beyond its parent")
        }
        return ISOBox(type: type, offset: offset, payloadOffset: offset + headerLength, end: offset + size)
    }

    /// The children of the box payload `range` (or of the whole file when `range` starts at 0), in order.
    static func children(_ reader: ByteReader, in range: Range<Int>) throws(MediaProbeError) -> [ISOBox] {
        var boxes: [ISOBox] = []
        var offset = range.lowerBound
        while offset < range.upperBound {
            let box = try read(reader, at: offset, parentEnd: range.upperBound, parentIsFile: range.lowerBound == 0)
            boxes.append(box)
            offset = box.end
            guard boxes.count < maximumSiblings else { throw .corrupt("more than \(maximumSiblings) MP4 boxes in one parent") }
        }
        return boxes
    }
}

/// Media whose headers lie, polyglots and cut-off files, derived from the real files by patching the structures the
/// probes read. Each is named, so the run's table shows what the worker made of it.
extension HostileMedia {
    /// A named media file for `image` (`isImage`) or `sound_file`.
    struct Variant {
        let name: String
        let bytes: [UInt8]
        let isImage: Bool
    }

    /// Every variant; built once per run.
    static func variants() -> [Variant] {
        var list: [Variant] = []
        func image(_ name: String, _ bytes: [UInt8]) { list.append(Variant(name: name, bytes: bytes, isImage: true)) }
        func audio(_ name: String, _ bytes: [UInt8]) { list.append(Variant(name: name, bytes: bytes, isImage: false)) }

        // Headers that lie about the size.
        image("png-claims-100000x100000", patched(portraitPNG, at: 16, bigEndian32: [100_000, 100_000]))
        image("png-claims-30000x30000", patched(portraitPNG, at: 16, bigEndian32: [30_000, 30_000]))
        image("png-claims-0x400", patched(portraitPNG, at: 16, bigEndian32: [0, 400]))
        image("png-claims-200x200", patched(portraitPNG, at: 16, bigEndian32: [200, 200]))
        image("png-claims-2^31", patched(portraitPNG, at: 16, bigEndian32: [0x8000_0000, 400]))
        image("png-chunk-claims-2GB", patched(portraitPNG, at: 33, bigEndian32: [0x7FFF_FFF0]))
        if let sof = find([0xFF, 0xC0], in: portraitJPEG) {
            image("jpeg-claims-65535x65535", patched(portraitJPEG, at: sof + 5, bigEndian16: [65535, 65535]))
            image("jpeg-claims-0-height", patched(portraitJPEG, at: sof + 5, bigEndian16: [0, 320]))
            image("jpeg-segment-claims-65535", patched(portraitJPEG, at: sof + 2, bigEndian16: [65535]))
        }
        // Headers that lie about the duration or the size of the audio.
        if let data = find(Array("data".utf8), in: speechWAV) {
            audio("wav-data-claims-4GB", patched(speechWAV, at: data + 4, littleEndian32: [0xFFFF_FFF0]))
            audio("wav-data-claims-0", patched(speechWAV, at: data + 4, littleEndian32: [0]))
        }
        if let fmt = find(Array("fmt ".utf8), in: speechWAV) {
            audio("wav-rate-claims-100Hz", patched(speechWAV, at: fmt + 12, littleEndian32: [100]))
            audio("wav-rate-claims-0Hz", patched(speechWAV, at: fmt + 12, littleEndian32: [0]))
            audio("wav-fmt-claims-4GB", patched(speechWAV, at: fmt + 4, littleEndian32: [0xFFFF_FFF0]))
        }
        if let info = find(Array("Info".utf8), in: speechMP3) {
            audio("mp3-xing-claims-500-frames", patched(speechMP3, at: info + 8, bigEndian32: [500]))
            audio("mp3-xing-claims-2^32-frames", patched(speechMP3, at: info + 8, bigEndian32: [0xFFFF_FFFF]))
            audio("mp3-xing-claims-0-frames", patched(speechMP3, at: info + 8, bigEndian32: [0]))
        }
        audio("mp3-id3-claims-256MB", patched(speechMP3, at: 6, bytes: [0x7F, 0x7F, 0x7F, 0x7F]))
        if let mdhd = find(Array("mdhd".utf8), in: speechM4A) {
            audio("m4a-mdhd-claims-50s", patched(speechM4A, at: mdhd + 20, bigEndian32: [50 * 8000]))
            audio("m4a-mdhd-claims-timescale-0", patched(speechM4A, at: mdhd + 16, bigEndian32: [0]))
            audio("m4a-mdhd-claims-unknown", patched(speechM4A, at: mdhd + 20, bigEndian32: [0xFFFF_FFFF]))
        }
        if let elst = find(Array("elst".utf8), in: speechM4A) {
            audio("m4a-elst-claims-50s", patched(speechM4A, at: elst + 12, bigEndian32: [50_000]))
        }
        if let moov = find(Array("moov".utf8), in: speechM4A) {
            audio("m4a-moov-claims-4GB", patched(speechM4A, at: moov - 4, bigEndian32: [0xFFFF_FFF0]))
            audio("m4a-moov-claims-64bit-huge", patched(speechM4A, at: moov - 4, bigEndian32: [1]))
        }
        audio("adts-frame-claims-8191", patched(speechAAC, at: 3, bytes: [speechAAC[3] | 0x03, 0xFF, speechAAC[5] | 0xE0]))
        // Polyglots and files in the wrong field.
        let zip: [UInt8] = Array("PK\u{03}\u{04}".utf8) + [UInt8](repeating: 0, count: 26) + Array("payload.exe".utf8)
        image("png-then-zip", portraitPNG + zip)
        image("png-then-mp3", portraitPNG + speechMP3)
        image("jpeg-then-html", portraitJPEG + Array("<html><script>alert(1)</script></html>".utf8))
        image("gif", Array("GIF89a".utf8) + [0x40, 0x01, 0x90, 0x01, 0, 0, 0] + [0x3B])
        image("wav-as-image", speechWAV)
        image("mp3-as-image", speechMP3)
        image("html-as-image", Array("<!DOCTYPE html><html><body>not an image</body></html>".utf8))
        image("pdf-as-image", Array("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF".utf8))
        audio("png-as-audio", portraitPNG)
        audio("id3-then-png", Array(speechMP3.prefix(45)) + portraitPNG)
        audio("riff-avi-as-audio", patched(speechWAV, at: 8, bytes: Array("AVI ".utf8)))
        audio("ftyp-without-moov", Array(speechM4A.prefix(32)))
        audio("wav-then-png", speechWAV + portraitPNG)
        // Cut short.
        image("png-cut-in-half", Array(portraitPNG.prefix(portraitPNG.count / 2)))
        image("jpeg-without-eoi", Array(portraitJPEG.dropLast(2)))
        audio("mp3-cut-mid-frame", Array(speechMP3.prefix(speechMP3.count - 17)))
        audio("aac-cut-mid-frame", Array(speechAAC.prefix(speechAAC.count - 5)))
        audio("m4a-cut-in-half", Array(speechM4A.prefix(speechM4A.count / 2)))
        audio("wav-cut-in-half", Array(speechWAV.prefix(speechWAV.count / 2)))
        audio("empty", [])
        return list
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        return (0...(haystack.count - needle.count)).first { haystack[$0..<($0 + needle.count)].elementsEqual(needle) }
    }

    static func patched(_ bytes: [UInt8], at offset: Int, bytes patch: [UInt8]) -> [UInt8] {
        var copy = bytes
        for (index, byte) in patch.enumerated() where offset + index < copy.count { copy[offset + index] = byte }
        return copy
    }

    static func patched(_ bytes: [UInt8], at offset: Int, bigEndian32 values: [UInt32]) -> [UInt8] {
        patched(bytes, at: offset, bytes: values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (24 - 8 * $0)) } })
    }

    static func patched(_ bytes: [UInt8], at offset: Int, bigEndian16 values: [UInt16]) -> [UInt8] {
        patched(bytes, at: offset, bytes: values.flatMap { [UInt8($0 >> 8), UInt8($0 & 0xFF)] })
    }

    static func patched(_ bytes: [UInt8], at offset: Int, littleEndian32 values: [UInt32]) -> [UInt8] {
        patched(bytes, at: offset, bytes: values.flatMap { value in (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } })
    }
}

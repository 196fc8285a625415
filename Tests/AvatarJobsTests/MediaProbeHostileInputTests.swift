import AvatarJobs
import Foundation
import Testing
import TestSupport

/// Broken and hostile media must end in a typed error (or a result) quickly: never a crash, a hang or a huge
/// allocation.
@Suite("Media probes on truncated, corrupted and crafted inputs")
struct MediaProbeHostileInputTests {
    /// Runs the probe that fits the file kind; returns the error kind or nil for a result.
    private func probe(_ bytes: [UInt8], asImage: Bool) -> MediaProbeError.Kind? {
        do {
            if asImage { _ = try ImageProbe.probe(bytes) } else { _ = try AudioProbe.probe(bytes) }
            return nil
        } catch {
            return error.kind
        }
    }

    private func isImage(_ recipe: MediaFixtures.Recipe) -> Bool {
        recipe.name.hasSuffix(".png") || recipe.name.hasSuffix(".jpg")
    }

    @Test("every proper prefix of a small file is refused", arguments: FixtureCatalog.tinyFiles)
    func truncations(recipe: MediaFixtures.Recipe) throws {
        let bytes = try MediaFixtures.bytes(recipe)
        #expect(probe(bytes, asImage: isImage(recipe)) == nil, "the whole file must probe")
        var accepted: [Int] = []
        for length in 0..<bytes.count where probe(Array(bytes[..<length]), asImage: isImage(recipe)) == nil {
            accepted.append(length)
        }
        // MP3 and ADTS have no length field for the whole stream: a prefix ending on a frame boundary is itself a
        // valid, shorter file. Everything else must notice the cut.
        let framed = recipe.name.hasSuffix(".aac") || recipe.name.hasSuffix("plain.mp3")
        if framed {
            #expect(accepted.count < bytes.count / 50, "\(accepted.count) prefixes accepted")
        } else {
            #expect(accepted.isEmpty, "accepted prefixes: \(accepted.prefix(10))")
        }
    }

    @Test("random byte flips end in an error or a result", arguments: FixtureCatalog.tinyFiles)
    func byteFlips(recipe: MediaFixtures.Recipe) throws {
        let original = try MediaFixtures.bytes(recipe)
        var random = SplitMix64(seed: 0xA7A7_0000 ^ UInt64(original.count))
        for _ in 0..<2000 {
            var bytes = original
            for _ in 0..<(1 + Int(random.next() % 4)) {
                let index = Int(random.next() % UInt64(min(bytes.count, 512)))
                bytes[index] ^= UInt8(truncatingIfNeeded: random.next() | 1)
            }
            _ = probe(bytes, asImage: isImage(recipe))
        }
    }

    @Test("crafted MP4 box sizes: 0, 1 with a huge largesize, below the header, beyond the file")
    func hostileBoxes() {
        let ftyp: [UInt8] = box("ftyp", Array("M4A \0\0\0\0".utf8))
        let cases: [([UInt8], MediaProbeError.Kind)] = [
            (ftyp + [0, 0, 0, 0] + Array("moov".utf8), .corrupt),                        // size 0 = to the end, no tracks
            (ftyp + [0, 0, 0, 1] + Array("moov".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], .corrupt),
            (ftyp + [0, 0, 0, 1] + Array("moov".utf8) + [0, 0, 0, 0x10, 0, 0, 0, 0], .truncated),
            (ftyp + [0, 0, 0, 4] + Array("moov".utf8), .corrupt),                        // smaller than its header
            (ftyp + [0, 0, 0, 7] + Array("free".utf8), .corrupt),
            (ftyp + [0x7F, 0xFF, 0xFF, 0xFF] + Array("mdat".utf8), .truncated),
            (ftyp + box("moov", box("trak", [0, 0, 0, 0x40] + Array("mdia".utf8))), .corrupt),  // child beyond parent
            (ftyp + box("free", []), .truncated),                                        // no moov at all
        ]
        for (bytes, kind) in cases {
            #expect(probe(bytes, asImage: false) == kind, "\(bytes.count) bytes")
        }
    }

    @Test("a moov with a hundred thousand empty boxes is walked and refused")
    func boxFlood() {
        let children = [UInt8]((0..<100_001).flatMap { _ in [0, 0, 0, 8] + Array("free".utf8) })
        let bytes = box("ftyp", Array("M4A \0\0\0\0".utf8)) + box("moov", children)
        #expect(probe(bytes, asImage: false) == .corrupt)
    }

    @Test("ID3 tags: size beyond the file, non-synchsafe size, footer flag counted")
    func hostileID3() throws {
        let frames = try MediaFixtures.bytes(FixtureCatalog.tinyMP3Plain)
        #expect(probe(Array("ID3".utf8) + [4, 0, 0, 0x7F, 0x7F, 0x7F, 0x7F] + frames, asImage: false) == .truncated)
        #expect(probe(Array("ID3".utf8) + [4, 0, 0, 0x80, 0, 0, 0] + frames, asImage: false) == .corrupt)
        let tagWithFooter = Array("ID3".utf8) + [4, 0, 0x10, 0, 0, 0, 2] + [0, 0] + Array("3DI".utf8) + [4, 0, 0x10, 0, 0, 0, 2]
        let plain = try AudioProbe.probe(frames)
        #expect(try AudioProbe.probe(tagWithFooter + frames).durationSeconds == plain.durationSeconds)
    }

    @Test("PNG, JPEG and WAV headers with impossible sizes")
    func hostileHeaders() throws {
        var png = try MediaFixtures.bytes(FixtureCatalog.tinyPNG)
        png.replaceSubrange(33..<37, with: [0x7F, 0xFF, 0xFF, 0xF0])          // second chunk's length
        #expect(probe(png, asImage: true) == .truncated)
        var zeroWidth = try MediaFixtures.bytes(FixtureCatalog.tinyPNG)
        zeroWidth.replaceSubrange(16..<20, with: [0, 0, 0, 0])
        #expect(probe(zeroWidth, asImage: true) == .corrupt)
        #expect(probe([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01], asImage: true) == .corrupt)   // segment length 1
        #expect(probe([0xFF, 0xD8, 0xFF, 0xE0, 0xFF, 0xFF], asImage: true) == .truncated)  // length past the end
        #expect(probe([0xFF, 0xD8] + [UInt8](repeating: 0xFF, count: 100_000), asImage: true) == .truncated)
        var wav = try MediaFixtures.bytes(FixtureCatalog.tinyWAV)
        let data = try #require(findTag("data", in: wav))
        wav.replaceSubrange((data + 4)..<(data + 8), with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(probe(wav, asImage: false) == .truncated)
        #expect(probe(Array("RIFF\0\0\0\0WAVEdata".utf8) + [8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], asImage: false) == .corrupt)
    }

    @Test("an MP3 Xing tag claiming more bytes than the file is truncated; a frame count the file cannot hold is corrupt")
    func hostileXing() throws {
        var mp3 = try MediaFixtures.bytes(FixtureCatalog.tinyMP3)
        let xing = try #require(findTag("Info", in: mp3) ?? findTag("Xing", in: mp3))
        let flags = Int(mp3[xing + 7])
        if flags & 0x02 != 0 {
            var lying = mp3
            let bytesField = xing + 8 + ((flags & 1) != 0 ? 4 : 0)
            lying.replaceSubrange(bytesField..<(bytesField + 4), with: [0x7F, 0, 0, 0])
            #expect(probe(lying, asImage: false) == .truncated)
        }
        mp3[xing + 7] |= 0x01
        mp3.replaceSubrange((xing + 8)..<(xing + 12), with: [0xFF, 0xFF, 0xFF, 0xFF])
        // Once believed (and refused later for its duration); now the probe itself refuses it (MediaProbeLyingHeaderTests).
        #expect(probe(mp3, asImage: false) == .corrupt)
    }

    private func box(_ type: String, _ payload: [UInt8]) -> [UInt8] {
        let size = UInt32(payload.count + 8)
        return [UInt8(size >> 24), UInt8((size >> 16) & 0xFF), UInt8((size >> 8) & 0xFF), UInt8(size & 0xFF)]
            + Array(type.utf8) + payload
    }

    private func findTag(_ tag: String, in bytes: [UInt8]) -> Int? {
        let needle = Array(tag.utf8)
        return bytes.indices.first { index in index + needle.count <= bytes.count && Array(bytes[index..<(index + needle.count)]) == needle }
    }
}

/// A small deterministic generator (SplitMix64) so byte-flip runs are reproducible.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

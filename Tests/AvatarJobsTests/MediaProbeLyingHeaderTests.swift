import AvatarJobs
import Foundation
import Testing
import TestSupport

/// Headers that lie about a file's size or duration, found by the media fuzz target (`scripts/fuzz media-probes`):
/// each probe now refuses a claim its bytes cannot back, and still accepts the honest file it was made from.
@Suite("Media probes refuse headers that claim more than the bytes hold")
struct MediaProbeLyingHeaderTests {
    /// A committed real file of the media fuzz corpus (made with ImageMagick, ffmpeg and sox).
    private func corpus(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: PackageRoot.url.appendingPathComponent("Fuzz/corpus/media-probes/\(name)")))
    }

    private func patched(_ bytes: [UInt8], at offset: Int, _ patch: [UInt8]) -> [UInt8] {
        var copy = bytes
        copy.replaceSubrange(offset..<(offset + patch.count), with: patch)
        return copy
    }

    private func offset(of tag: String, in bytes: [UInt8]) throws -> Int {
        let needle = Array(tag.utf8)
        return try #require((0...(bytes.count - needle.count)).first { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
    }

    @Test("a JPEG frame header claiming 65481×400 in 658 bytes (the fuzzer's find) is corrupt")
    func jpegFromFuzzer() throws {
        let found = [UInt8](try Data(contentsOf: PackageRoot.url.appendingPathComponent(
            "Fuzz/regressions/media-probes/jpeg-claims-65481x400")))
        #expect(throws: MediaProbeError.self) { try ImageProbe.probe(found) }
        let honest = try ImageProbe.probe(corpus("portrait.jpg"))
        #expect(honest.width == 320 && honest.height == 400)
    }

    @Test("a JPEG claiming 65535×65535 is corrupt, with the claim and the bound in the detail")
    func jpegHugeClaim() throws {
        let jpeg = try corpus("portrait.jpg")
        let sof = try #require((0..<(jpeg.count - 1)).first { jpeg[$0] == 0xFF && jpeg[$0 + 1] == 0xC0 })
        do {
            _ = try ImageProbe.probe(patched(jpeg, at: sof + 5, [0xFF, 0xFF, 0xFF, 0xFF]))
            Issue.record("a 65535×65535 JPEG of \(jpeg.count) bytes was accepted")
        } catch {
            #expect(error.kind == .corrupt)
            #expect(error.detail.contains("65535x65535"))
        }
    }

    @Test("a PNG whose IHDR claims 30000×30000 over 800 bytes of IDAT is corrupt; 1-bit and 8-bit originals pass")
    func pngHugeClaim() throws {
        let png = try corpus("portrait.png")
        let lying = patched(png, at: 16, [0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30])
        #expect(throws: MediaProbeError.self) { try ImageProbe.probe(lying) }
        #expect(try ImageProbe.probe(png).width == 320)
        // 300×300 at one bit per pixel in 91 bytes: close to deflate's limit, and honest.
        #expect(try ImageProbe.probe(corpus("portrait-1bit.png")).height == 300)
    }

    @Test("an MP3 whose Xing tag claims 500 frames (36 s) in 2.9 KB is corrupt; the honest count passes")
    func mp3XingClaim() throws {
        let mp3 = try corpus("speech.mp3")
        let info = try offset(of: "Info", in: mp3)
        do {
            _ = try AudioProbe.probe(patched(mp3, at: info + 8, [0, 0, 0x01, 0xF4]))
            Issue.record("a 500-frame Xing claim in \(mp3.count) bytes was accepted")
        } catch {
            #expect(error.kind == .corrupt)
            #expect(error.detail.contains("500 frames"))
        }
        let honest = try AudioProbe.probe(mp3)
        #expect(abs(honest.durationSeconds - 2.664) < 0.05)
    }

    @Test("the validator reports a lying image header as media.corrupt")
    func validatorCode() throws {
        let png = try corpus("portrait.png")
        let lying = patched(png, at: 16, [0, 0, 0x75, 0x30, 0, 0, 0x75, 0x30])
        let message = #"{"job_id":"lie-1","image":"\#(Data(lying).base64EncodedString())","audio_id":"tts-1"}"#
        guard case .failure(let failure) = JobValidator().validate(Array(message.utf8)) else {
            Issue.record("a PNG claiming 30000×30000 in \(png.count) bytes passed validation")
            return
        }
        #expect(failure.errors.map(\.code.rawValue) == ["media.corrupt"])
    }
}

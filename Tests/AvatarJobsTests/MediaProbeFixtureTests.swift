import AvatarJobs
import Foundation
import Testing
import TestSupport

@Suite("Media probes on files made by ffmpeg, sox and ImageMagick")
struct MediaProbeFixtureTests {
    @Test("images probe to their format and size", arguments: FixtureCatalog.images.indices)
    func imageSizes(index: Int) throws {
        let (recipe, format, width, height) = FixtureCatalog.images[index]
        let bytes = try MediaFixtures.bytes(recipe)
        let info = try ImageProbe.probe(bytes)
        #expect(info == ImageInfo(format: format, width: width, height: height, byteCount: bytes.count), "\(recipe)")
    }

    @Test("audio durations agree with ffprobe within 50 ms", arguments: FixtureCatalog.audio.indices)
    func audioDurations(index: Int) throws {
        let (recipe, format) = FixtureCatalog.audio[index]
        let info = try AudioProbe.probe(MediaFixtures.bytes(recipe))
        // Raw ADTS has no container duration; ffprobe's format duration is a bitrate estimate, its packets are exact.
        let oracle = format == .aac ? try MediaFixtures.ffprobePacketEnd(recipe) : try MediaFixtures.ffprobeDuration(recipe)
        #expect(info.format == format, "\(recipe)")
        #expect(abs(info.durationSeconds - oracle) <= 0.05, "\(recipe): probe \(info.durationSeconds) s, ffprobe \(oracle) s")
    }

    @Test("JPEG with an EXIF APP1 segment keeps its size")
    func jpegWithEXIF() throws {
        let bytes = MediaFixtures.insertingEXIF(into: try MediaFixtures.bytes(FixtureCatalog.jpegBaseline))
        #expect(bytes[2...3] == [0xFF, 0xE1])
        let info = try ImageProbe.probe(bytes)
        #expect(info.width == 640 && info.height == 480 && info.format == .jpeg)
    }

    @Test("format is decided by content: a GIF is refused as an image, an image as audio")
    func formatByContent() throws {
        let gif = try MediaFixtures.bytes(FixtureCatalog.gifNamedPNG)
        #expect(throws: MediaProbeError.self) { try ImageProbe.probe(gif) }
        do {
            _ = try ImageProbe.probe(gif)
        } catch {
            #expect(error.kind == .unsupportedFormat)
            #expect(error.detail.contains("GIF"))
        }
        let png = try MediaFixtures.bytes(FixtureCatalog.png)
        #expect(throws: MediaProbeError(.unsupportedFormat, "the bytes are PNG, not MP3, WAV, M4A or AAC")) {
            try AudioProbe.probe(png)
        }
        let wav = try MediaFixtures.bytes(FixtureCatalog.wavPCM)
        #expect(throws: MediaProbeError(.unsupportedFormat, "the bytes are WAV audio, not PNG or JPEG")) {
            try ImageProbe.probe(wav)
        }
    }

    @Test("the WAVE_FORMAT_EXTENSIBLE fixture really is extensible")
    func extensibleFixture() throws {
        let bytes = try MediaFixtures.bytes(FixtureCatalog.wavExtensible)
        let tagOffset = 20
        #expect(bytes[tagOffset] == 0xFE && bytes[tagOffset + 1] == 0xFF)
    }
}

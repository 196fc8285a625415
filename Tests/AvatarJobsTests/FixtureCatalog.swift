import AvatarJobs
import TestSupport

/// The media fixtures these tests use, with what each should probe as.
enum FixtureCatalog {
    typealias Recipe = MediaFixtures.Recipe

    // Images: valid portraits, boundary sizes and shapes, and a GIF under a PNG name.
    static let png = MediaFixtures.image("portrait.png", width: 400, height: 600)
    static let pngExactRatio = MediaFixtures.image("ratio-2_5.png", width: 300, height: 750)
    static let pngTooSmall = MediaFixtures.image("small-299.png", width: 299, height: 500)
    static let pngTooWide = MediaFixtures.image("wide.png", width: 1000, height: 300)
    static let jpegBaseline = MediaFixtures.image("baseline.jpg", width: 640, height: 480, extra: ["-quality", "85"])
    static let jpegProgressive = MediaFixtures.image("progressive.jpg", width: 480, height: 720, extra: ["-interlace", "Plane"])
    static let jpegComment = MediaFixtures.image("comment.jpg", width: 500, height: 500, extra: ["-set", "comment", "hello"])
    static let gifNamedPNG = MediaFixtures.Recipe("really-a-gif.gif", "convert", ["-size", "400x400", "xc:red", "OUT"])
    static let tinyPNG = MediaFixtures.image("tiny.png", width: 16, height: 16)
    static let tinyJPEG = MediaFixtures.image("tiny.jpg", width: 16, height: 16)

    /// Image fixtures with the format and size they must probe as.
    static let images: [(Recipe, ImageFormat, Int, Int)] = [
        (png, .png, 400, 600), (pngExactRatio, .png, 300, 750), (pngTooSmall, .png, 299, 500),
        (pngTooWide, .png, 1000, 300), (jpegBaseline, .jpeg, 640, 480), (jpegProgressive, .jpeg, 480, 720),
        (jpegComment, .jpeg, 500, 500), (tinyPNG, .png, 16, 16), (tinyJPEG, .jpeg, 16, 16),
    ]

    // Audio: every container, both sides of 2 s and 60 s.
    static let wavPCM = MediaFixtures.soxTone("pcm16.wav", seconds: 3, ["-r", "16000", "-c", "1", "-b", "16"])
    static let wavExtensible = MediaFixtures.tone("ext-24bit-6ch.wav", seconds: 2.5, ["-ac", "6", "-c:a", "pcm_s24le"])
    static let wavShort = MediaFixtures.soxTone("short-1_9.wav", seconds: 1.9, ["-r", "8000", "-c", "1", "-b", "8"])
    static let wavJustOver2 = MediaFixtures.soxTone("just-2_1.wav", seconds: 2.1, ["-r", "8000", "-c", "1", "-b", "8"])
    static let wavLong = MediaFixtures.soxTone("long-60_5.wav", seconds: 60.5, ["-r", "8000", "-c", "1", "-b", "8"])
    static let wavJustUnder60 = MediaFixtures.soxTone("just-59_5.wav", seconds: 59.5, ["-r", "8000", "-c", "1", "-b", "8"])
    static let mp3CBR = MediaFixtures.tone("cbr.mp3", seconds: 5, ["-c:a", "libmp3lame", "-b:a", "128k"])
    static let mp3VBR = MediaFixtures.tone("vbr.mp3", seconds: 7, ["-c:a", "libmp3lame", "-q:a", "4"])
    static let mp3ID3 = MediaFixtures.tone("id3.mp3", seconds: 4, [
        "-c:a", "libmp3lame", "-b:a", "64k", "-id3v2_version", "3", "-metadata", "title=Welcome", "-metadata", "artist=Ana",
    ])
    static let mp3FrameWalk = MediaFixtures.tone("plain.mp3", seconds: 3, [
        "-c:a", "libmp3lame", "-b:a", "96k", "-write_xing", "0", "-id3v2_version", "0",
    ])
    static let mp3MPEG2 = MediaFixtures.tone("mpeg2.mp3", seconds: 3, ["-ar", "22050", "-c:a", "libmp3lame", "-b:a", "32k"])
    static let mp3MPEG25 = MediaFixtures.tone("mpeg25.mp3", seconds: 3, [
        "-ar", "8000", "-c:a", "libmp3lame", "-b:a", "16k", "-write_xing", "0",
    ])
    static let mp3Short = MediaFixtures.tone("short-1_8.mp3", seconds: 1.8, ["-c:a", "libmp3lame", "-b:a", "64k"])
    static let mp3Long = MediaFixtures.tone("long-61.mp3", seconds: 61, ["-ar", "16000", "-c:a", "libmp3lame", "-b:a", "24k"])
    static let m4a = MediaFixtures.tone("tone.m4a", seconds: 5, ["-c:a", "aac", "-b:a", "64k"])
    static let m4aFastStart = MediaFixtures.tone("faststart.m4a", seconds: 8, ["-c:a", "aac", "-b:a", "48k", "-movflags", "+faststart"])
    static let m4aLong = MediaFixtures.tone("long-60_5.m4a", seconds: 60.5, ["-ar", "16000", "-c:a", "aac", "-b:a", "16k"])
    static let aacADTS = MediaFixtures.tone("raw.aac", seconds: 4, ["-c:a", "aac", "-b:a", "64k", "-f", "adts"])
    static let aacShort = MediaFixtures.tone("short-1_5.aac", seconds: 1.5, ["-c:a", "aac", "-b:a", "32k", "-f", "adts"])
    static let tinyWAV = MediaFixtures.soxTone("tiny.wav", seconds: 0.05, ["-r", "8000", "-c", "1", "-b", "16"])
    static let tinyMP3 = MediaFixtures.tone("tiny.mp3", seconds: 0.3, ["-c:a", "libmp3lame", "-b:a", "32k"])
    static let tinyMP3Plain = MediaFixtures.tone("tiny-plain.mp3", seconds: 0.3, [
        "-c:a", "libmp3lame", "-b:a", "32k", "-write_xing", "0", "-id3v2_version", "0",
    ])
    static let tinyM4A = MediaFixtures.tone("tiny.m4a", seconds: 0.3, ["-c:a", "aac", "-b:a", "32k"])
    static let tinyAAC = MediaFixtures.tone("tiny.aac", seconds: 0.3, ["-c:a", "aac", "-b:a", "32k", "-f", "adts"])

    /// Audio fixtures with the format they must probe as (durations come from ffprobe).
    static let audio: [(Recipe, AudioFormat)] = [
        (wavPCM, .wav), (wavExtensible, .wav), (wavShort, .wav), (wavJustOver2, .wav), (wavLong, .wav),
        (wavJustUnder60, .wav), (mp3CBR, .mp3), (mp3VBR, .mp3), (mp3ID3, .mp3), (mp3FrameWalk, .mp3),
        (mp3MPEG2, .mp3), (mp3MPEG25, .mp3), (mp3Short, .mp3), (mp3Long, .mp3), (m4a, .m4a), (m4aFastStart, .m4a),
        (m4aLong, .m4a), (aacADTS, .aac), (aacShort, .aac),
    ]

    /// Small files for exhaustive truncation and byte-flip tests.
    static let tinyFiles: [Recipe] = [tinyPNG, tinyJPEG, tinyWAV, tinyMP3, tinyMP3Plain, tinyM4A, tinyAAC]
}

import AvatarJobs
import Foundation
import StrictJSON
import TestSupport

/// One corpus job: the message, the codes the Swift validator must report (empty = valid), and whether the schema
/// can express the rule (if not, jsonschema must accept what Swift refuses: media content is beyond a schema).
struct CorpusCase: CustomStringConvertible {
    let name: String
    let message: [UInt8]
    let expectedCodes: Set<String>
    let schemaExpressible: Bool

    var description: String { name }
}

/// Builds the agreement corpus: every rule on both sides of its limit, with real media from ``MediaFixtures``.
struct AgreementCorpus {
    private(set) var cases: [CorpusCase] = []

    private static let imageURL = "https://cdn.example.com/p/ana.png"
    private static let soundURL = "https://cdn.example.com/s/ana.mp3"

    /// A job with the given fields over a valid URL baseline; `nil` removes a field.
    static func job(_ fields: [String: JSONValue?], base: [String: JSONValue] = [
        "job_id": .string("job-1"), "image": .string(imageURL), "sound_file": .string(soundURL),
    ]) -> [UInt8] {
        var object = base
        for (key, value) in fields { object[key] = value }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try! encoder.encode(JSONValue.object(object)))
    }

    static func base64(_ recipe: MediaFixtures.Recipe) throws -> String {
        Data(try MediaFixtures.bytes(recipe)).base64EncodedString()
    }

    mutating func add(_ name: String, _ message: [UInt8], _ codes: [String] = [], schema: Bool = true) {
        cases.append(CorpusCase(name: name, message: message, expectedCodes: Set(codes), schemaExpressible: schema))
    }

    mutating func add(_ name: String, raw: String, _ codes: [String], schema: Bool = true) {
        add(name, Array(raw.utf8), codes, schema: schema)
    }

    static func build() throws -> AgreementCorpus {
        var corpus = AgreementCorpus()
        try corpus.addValidJobs()
        corpus.addFieldRules()
        corpus.addURLRules()
        try corpus.addInlineMediaRules()
        return corpus
    }

    private mutating func addValidJobs() throws {
        add("url image and url sound file", Self.job([:]))
        add("audio id instead of a sound file", Self.job(["sound_file": nil, "audio_id": .string("774251338120437800")]))
        add("every optional field", Self.job([
            "prompt": .string("Smile."), "mode": .string("pro"), "callback_url": .string("https://hooks.example.com/k"),
            "external_task_id": .string("ext-1"), "watermark": .bool(true), "deadline_seconds": .integer(3600),
            "metadata": .object(["a": .integer(1), "b": .array([.null, .string("x")])]),
        ]))
        add("job_id of 128 characters", Self.job(["job_id": .string(String(repeating: "a", count: 128))]))
        add("job_id of one character", Self.job(["job_id": .string("x")]))
        add("job_id with every allowed punctuation", Self.job(["job_id": .string("a.b_c:d-e.0")]))
        add("prompt of exactly 2500 characters", Self.job(["prompt": .string(String(repeating: "p", count: 2500))]))
        add("prompt of 2500 emoji (5000 UTF-16 units)", Self.job(["prompt": .string(String(repeating: "😀", count: 2500))]))
        add("deadline at the minimum", Self.job(["deadline_seconds": .integer(60)]))
        add("deadline at the maximum", Self.job(["deadline_seconds": .integer(172_800)]))
        add("deadline written as 3600.0", raw: #"{"job_id":"j","image":"https://h.example/i.png","audio_id":"1","deadline_seconds":3600.0}"#, [])
        add("external_task_id of 64 characters", Self.job(["external_task_id": .string(String(repeating: "E", count: 64))]))
        add("metadata with 64 properties", Self.job(["metadata": .object(Dictionary(uniqueKeysWithValues: (0..<64).map { ("k\($0)", JSONValue.integer($0)) }))]))
        add("audio_id of 256 characters", Self.job(["sound_file": nil, "audio_id": .string(String(repeating: "9", count: 256))]))
        add("mode std written out, watermark false", Self.job(["mode": .string("std"), "watermark": .bool(false)]))
        add("URL with port, IPv6 literal and '@' in the path", Self.job([
            "image": .string("http://[2001:db8::1]:8080/a@b.png?x=1#f"), "callback_url": .string("https://h.example:443/cb"),
        ]))
        add("URL with upper-case scheme", Self.job(["image": .string("HTTPS://CDN.EXAMPLE.COM/A.PNG")]))
        add("URL of exactly 2048 characters", Self.job(["image": .string("https://h.example/" + String(repeating: "a", count: 2048 - 18))]))
        let png = try Self.base64(FixtureCatalog.png), wav = try Self.base64(FixtureCatalog.wavPCM)
        add("inline PNG and WAV", Self.job(["image": .string(png), "sound_file": .string(wav)]))
        add("data: URLs are accepted and stripped", Self.job([
            "image": .string("data:image/png;base64," + png), "sound_file": .string("data:audio/wav;charset=x;base64," + wav),
        ]))
        add("inline progressive JPEG and MP3 with Xing", Self.job([
            "image": .string(try Self.base64(FixtureCatalog.jpegProgressive)), "sound_file": .string(try Self.base64(FixtureCatalog.mp3VBR)),
        ]))
        add("inline JPEG with EXIF and M4A", Self.job([
            "image": .string(Data(MediaFixtures.insertingEXIF(into: try MediaFixtures.bytes(FixtureCatalog.jpegBaseline))).base64EncodedString()),
            "sound_file": .string(try Self.base64(FixtureCatalog.m4a)),
        ]))
        add("aspect ratio exactly 2.5 and audio 2.1 s", Self.job([
            "image": .string(try Self.base64(FixtureCatalog.pngExactRatio)), "sound_file": .string(try Self.base64(FixtureCatalog.wavJustOver2)),
        ]))
        add("audio 59.5 s and raw AAC", Self.job([
            "sound_file": .string(try Self.base64(FixtureCatalog.wavJustUnder60)),
        ]))
        add("raw ADTS AAC", Self.job(["sound_file": .string(try Self.base64(FixtureCatalog.aacADTS))]))
        add("base64 with JSON-escaped slashes", Array(String(decoding: Self.job(["image": .string(png)]), as: UTF8.self)
            .replacingOccurrences(of: "/", with: "\\/").utf8))
    }

    private mutating func addFieldRules() {
        add("job_id missing", Self.job(["job_id": nil]), ["job_id.missing"])
        add("job_id empty", Self.job(["job_id": .string("")]), ["job_id.invalid"])
        add("job_id of 129 characters", Self.job(["job_id": .string(String(repeating: "a", count: 129))]), ["job_id.invalid"])
        add("job_id with a space", Self.job(["job_id": .string("job 1")]), ["job_id.invalid"])
        add("job_id with a slash", Self.job(["job_id": .string("a/b")]), ["job_id.invalid"])
        add("job_id as a number", Self.job(["job_id": .integer(17)]), ["job.wrong_type"])
        add("image missing", Self.job(["image": nil]), ["image.missing"])
        add("image as a number", Self.job(["image": .integer(1)]), ["job.wrong_type"])
        add("both audio sources", Self.job(["audio_id": .string("1")]), ["audio.conflicting_sources"])
        add("no audio source", Self.job(["sound_file": nil]), ["audio.missing"])
        add("audio_id empty", Self.job(["sound_file": nil, "audio_id": .string("")]), ["audio_id.invalid"])
        add("audio_id with a space", Self.job(["sound_file": nil, "audio_id": .string("a b")]), ["audio_id.invalid"])
        add("audio_id of 257 characters", Self.job(["sound_file": nil, "audio_id": .string(String(repeating: "9", count: 257))]), ["audio_id.invalid"])
        add("prompt of 2501 characters", Self.job(["prompt": .string(String(repeating: "p", count: 2501))]), ["prompt.too_long"])
        add("prompt of 2501 emoji", Self.job(["prompt": .string(String(repeating: "😀", count: 2501))]), ["prompt.too_long"])
        add("prompt null", Self.job(["prompt": .null]), ["job.wrong_type"])
        add("mode unknown", Self.job(["mode": .string("fast")]), ["mode.invalid"])
        add("mode in upper case", Self.job(["mode": .string("STD")]), ["mode.invalid"])
        add("external_task_id of 65 characters", Self.job(["external_task_id": .string(String(repeating: "E", count: 65))]), ["external_task_id.invalid"])
        add("external_task_id with a slash", Self.job(["external_task_id": .string("a/b")]), ["external_task_id.invalid"])
        add("watermark as a string", Self.job(["watermark": .string("true")]), ["job.wrong_type"])
        add("deadline below the minimum", Self.job(["deadline_seconds": .integer(59)]), ["deadline_seconds.out_of_range"])
        add("deadline above the maximum", Self.job(["deadline_seconds": .integer(172_801)]), ["deadline_seconds.out_of_range"])
        add("deadline with a fraction", Self.job(["deadline_seconds": .double(100.5)]), ["job.wrong_type"])
        add("deadline as a string", Self.job(["deadline_seconds": .string("3600")]), ["job.wrong_type"])
        add("metadata as an array", Self.job(["metadata": .array([])]), ["job.wrong_type"])
        add("metadata with 65 properties", Self.job(["metadata": .object(Dictionary(uniqueKeysWithValues: (0..<65).map { ("k\($0)", JSONValue.integer($0)) }))]), ["metadata.too_large"])
        add("unknown field", Self.job(["priority": .integer(1)]), ["job.unknown_field"])
        add("misspelt field", Self.job(["jobId": .string("x")]), ["job.unknown_field"])
        add("not an object", raw: #"["job_id","j"]"#, ["job.not_object"])
        add("not JSON (cut off)", raw: #"{"job_id":"j","image":"https://h.example/i.png","#, ["job.not_json"])
        add("not JSON (trailing comma)", raw: #"{"job_id":"j","image":"https://h.example/i.png","audio_id":"1",}"#, ["job.not_json"])
        add("several errors at once", Self.job([
            "job_id": .string("bad id"), "prompt": .string(String(repeating: "p", count: 3000)), "color": .string("red"),
            "mode": .integer(2),
        ]), ["job_id.invalid", "prompt.too_long", "job.unknown_field", "job.wrong_type"])
        add("duplicate field (parsers disagree on which wins)",
            raw: #"{"job_id":"j","job_id":"k","image":"https://h.example/i.png","audio_id":"1"}"#, ["job.duplicate_field"], schema: false)
    }

    private mutating func addURLRules() {
        add("ftp URL", Self.job(["image": .string("ftp://h.example/i.png")]), ["url.unsupported_scheme"])
        add("URL with credentials", Self.job(["image": .string("https://user:pw@h.example/i.png")]), ["url.has_credentials"])
        add("URL without host", Self.job(["sound_file": .string("https:///a.mp3")]), ["url.invalid"])
        add("URL with a space", Self.job(["image": .string("https://h.example/a b.png")]), ["url.invalid"])
        add("URL of 2049 characters", Self.job(["image": .string("https://h.example/" + String(repeating: "a", count: 2049 - 18))]), ["url.invalid"])
        add("URL with a single slash", Self.job(["image": .string("http:/h.example/i.png")]), ["url.invalid"])
        add("URL with a six-digit port", Self.job(["image": .string("http://h.example:123456/i.png")]), ["url.invalid"])
        add("callback_url with credentials", Self.job(["callback_url": .string("https://a:b@hooks.example/")]), ["url.has_credentials"])
        add("callback_url not a URL", Self.job(["callback_url": .string("hooks.example.com")]), ["url.invalid"])
        add("callback_url javascript:", Self.job(["callback_url": .string("javascript:alert(1)")]), ["url.unsupported_scheme"])
    }

    private mutating func addInlineMediaRules() throws {
        add("base64 with a non-alphabet character", Self.job(["image": .string("iVBORw0KGgo!AAAA")]), ["media.invalid_base64"])
        add("base64 of bad length", Self.job(["image": .string("iVBORw0KGgoAA")]), ["media.invalid_base64"])
        add("base64 with line breaks", Self.job(["sound_file": .string("UklGRiQAAABX\nQVZFZm10IBAA")]), ["media.invalid_base64"])
        add("base64 with misplaced padding", Self.job(["sound_file": .string("UklG=iQA")]), ["media.invalid_base64"])
        add("empty media string", Self.job(["image": .string("")]), ["media.invalid_base64"])
        add("data: URL without ;base64", Self.job(["image": .string("data:image/png,iVBORw0KGgo=")]), ["media.invalid_data_url"])
        add("data: URL without a media type", Self.job(["image": .string("data:;base64,iVBORw0KGgo=")]), ["media.invalid_data_url"])
        let swiftOnly: [(String, String, MediaFixtures.Recipe, String)] = [
            ("GIF given as the image", "image", FixtureCatalog.gifNamedPNG, "image.unsupported_format"),
            ("image 299 px wide", "image", FixtureCatalog.pngTooSmall, "image.too_small"),
            ("image 10:3", "image", FixtureCatalog.pngTooWide, "image.aspect_ratio_out_of_range"),
            ("audio 1.9 s", "sound_file", FixtureCatalog.wavShort, "audio.duration_out_of_range"),
            ("audio 60.5 s WAV", "sound_file", FixtureCatalog.wavLong, "audio.duration_out_of_range"),
            ("audio 61 s MP3", "sound_file", FixtureCatalog.mp3Long, "audio.duration_out_of_range"),
            ("audio 60.5 s M4A", "sound_file", FixtureCatalog.m4aLong, "audio.duration_out_of_range"),
            ("audio 1.5 s AAC", "sound_file", FixtureCatalog.aacShort, "audio.duration_out_of_range"),
            ("audio 1.8 s MP3", "sound_file", FixtureCatalog.mp3Short, "audio.duration_out_of_range"),
            ("a PNG given as the sound file", "sound_file", FixtureCatalog.png, "audio.unsupported_format"),
        ]
        for (name, field, recipe, code) in swiftOnly {
            add(name, Self.job([field: .string(try Self.base64(recipe))]), [code], schema: false)
        }
        let png = try MediaFixtures.bytes(FixtureCatalog.png)
        add("PNG cut in half", Self.job(["image": .string(Data(png.prefix(png.count / 2)).base64EncodedString())]), ["media.truncated"], schema: false)
        var zeroWidth = png
        zeroWidth.replaceSubrange(16..<20, with: [0, 0, 0, 0])
        add("PNG with width 0", Self.job(["image": .string(Data(zeroWidth).base64EncodedString())]), ["media.corrupt"], schema: false)
    }
}

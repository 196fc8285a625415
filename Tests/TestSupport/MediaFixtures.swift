import Foundation
import Synchronization

/// Real media files made by ffmpeg, sox and ImageMagick for the probe and validator tests, generated on first use
/// into one temporary directory per test run and cached there (tests running in parallel share them).
public enum MediaFixtures {
    /// A recipe: a file name and the tool invocation that writes it (`OUT` stands for the output path).
    public struct Recipe: Sendable, Hashable, CustomStringConvertible {
        /// File name in the cache directory; its extension is what the tool uses to pick the format.
        public let name: String
        /// The tool.
        public let tool: String
        /// Arguments; the literal `OUT` is replaced by the output path.
        public let arguments: [String]

        /// Creates a recipe.
        public init(_ name: String, _ tool: String, _ arguments: [String]) {
            self.name = name
            self.tool = tool
            self.arguments = arguments
        }

        /// The file name (test names show it).
        public var description: String { name }
    }

    private static let cache = Mutex<[String: URL]>([:])
    private static let directory: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("avatar-media-\(ProcessInfo.processInfo.processIdentifier)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    /// The path of the file for `recipe`, generating it on first use.
    public static func url(_ recipe: Recipe) throws -> URL {
        try cache.withLock { cache in
            if let url = cache[recipe.name] { return url }
            let url = directory.appendingPathComponent(recipe.name)
            let arguments = recipe.arguments.map { $0 == "OUT" ? url.path : $0 }
            try ExternalTool.check(recipe.tool, arguments)
            cache[recipe.name] = url
            return url
        }
    }

    /// The bytes of the file for `recipe`.
    public static func bytes(_ recipe: Recipe) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: url(recipe)))
    }

    /// ffprobe's idea of the file's duration in seconds: the oracle for the audio probes.
    public static func ffprobeDuration(_ recipe: Recipe) throws -> Double {
        let output = try ExternalTool.check("ffprobe", [
            "-v", "error", "-show_entries", "format=duration", "-of", "default=noprint_wrappers=1:nokey=1",
            try url(recipe).path,
        ])
        let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let seconds = Double(text) else {
            throw ExternalTool.Failure(command: "ffprobe \(recipe.name)", status: 0, stderr: "no duration in '\(text)'")
        }
        return seconds
    }

    /// The end time of the last packet ffprobe reads (pts + duration): the oracle for raw ADTS, where ffprobe's
    /// format duration is only an estimate from the bitrate.
    public static func ffprobePacketEnd(_ recipe: Recipe) throws -> Double {
        let output = try ExternalTool.check("ffprobe", [
            "-v", "error", "-show_entries", "packet=pts_time,duration_time", "-of", "csv=p=0", try url(recipe).path,
        ])
        let ends = String(decoding: output, as: UTF8.self).split(separator: "\n").compactMap { line -> Double? in
            let fields = line.split(separator: ",").compactMap { Double($0.trimmingCharacters(in: .whitespaces)) }
            return fields.count == 2 ? fields[0] + fields[1] : nil
        }
        guard let end = ends.max() else {
            throw ExternalTool.Failure(command: "ffprobe packets \(recipe.name)", status: 0, stderr: "no packets")
        }
        return end
    }

    /// An image made by ImageMagick: a gradient of `width`×`height` in the format the extension names.
    public static func image(_ name: String, width: Int, height: Int, extra: [String] = []) -> Recipe {
        Recipe(name, "convert", ["-size", "\(width)x\(height)", "gradient:navy-orange"] + extra + ["OUT"])
    }

    /// A sine tone of `seconds` encoded by ffmpeg with `codec` arguments.
    public static func tone(_ name: String, seconds: Double, _ codec: [String]) -> Recipe {
        Recipe(name, "ffmpeg", ["-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "sine=frequency=440:duration=\(seconds)"]
            + codec + ["OUT"])
    }

    /// A sine tone of `seconds` made by sox with format arguments (rate, channels, bits).
    public static func soxTone(_ name: String, seconds: Double, _ format: [String]) -> Recipe {
        Recipe(name, "sox", ["-n"] + format + ["OUT", "synth", "\(seconds)", "sine", "440"])
    }

    /// `jpeg` with an APP1 Exif segment (a minimal big-endian TIFF header with an empty IFD) inserted after SOI,
    /// as cameras write it, to prove the JPEG probe skips APPn segments.
    public static func insertingEXIF(into jpeg: [UInt8]) -> [UInt8] {
        let tiff: [UInt8] = Array("MM".utf8) + [0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0x00, 0x00] + [UInt8](repeating: 0, count: 4)
        let payload = Array("Exif".utf8) + [0, 0] + tiff + [UInt8](repeating: 0xAB, count: 300)
        let length = payload.count + 2
        return [0xFF, 0xD8, 0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload + jpeg.dropFirst(2)
    }
}

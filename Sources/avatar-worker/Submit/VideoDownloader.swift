import AsyncHTTPClient
import Foundation
import NIOCore

/// Saves the videos of succeeded jobs into a directory as they arrive (Kling deletes them after 30 days): one bounded,
/// checked HTTP GET per video — at most `maximumBytes`, refused unless the server calls it a video (or plain bytes),
/// written to a hidden part file and renamed into place only when complete, so a reader never sees half a video and
/// a failed download leaves nothing behind.
struct VideoDownloader: Sendable {
    /// Where videos go (created if missing).
    let directory: URL
    /// The largest video accepted.
    var maximumBytes: Int = 1 << 30
    /// The longest one download may take, redirects included.
    var timeout: Duration = .seconds(600)

    /// Content types accepted: any video, and the generic binary types CDNs use for files.
    static let acceptedContentTypes = ["application/octet-stream", "binary/octet-stream", "application/mp4"]

    /// Saves every URL of `jobID` (`<job_id>.mp4`, `<job_id>-2.mp4`, …); the outcome for ``WaitBoard``.
    func save(jobID: String, urls: [String]) async -> WaitBoard.Download {
        var paths: [String] = []
        for (position, url) in urls.enumerated() {
            do {
                paths.append(try await download(url, name: position == 0 ? jobID : "\(jobID)-\(position + 1)"))
            } catch {
                return .failed("\(Self.shown(url)): \(error)")
            }
        }
        return .saved(paths)
    }

    /// Downloads `url` to `<directory>/<name>.<extension>`; returns the path.
    func download(_ url: String, name: String) async throws(VideoDownloadError) -> String {
        guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme?.lowercased() ?? "") else {
            throw .notHTTP
        }
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .file("cannot create \(directory.path): \(error.localizedDescription)")
        }
        let response: HTTPClientResponse
        do {
            response = try await HTTPClient.shared.execute(HTTPClientRequest(url: url), timeout: .init(timeout))
        } catch {
            throw .transport("\(error)")
        }
        guard response.status == .ok else { throw .httpStatus(Int(response.status.code)) }
        let contentType = response.headers.first(name: "content-type")?.split(separator: ";").first
            .map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        guard contentType.hasPrefix("video/") || Self.acceptedContentTypes.contains(contentType) else {
            throw .contentType(contentType.isEmpty ? "none" : contentType)
        }
        if let declared = response.headers.first(name: "content-length").flatMap(Int.init), declared > maximumBytes {
            throw .tooLarge(limit: maximumBytes, seen: declared)
        }
        let destination = directory.appendingPathComponent("\(name).\(Self.fileExtension(contentType: contentType, url: parsed))")
        let partial = directory.appendingPathComponent(".\(name).part-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        guard FileManager.default.createFile(atPath: partial.path, contents: nil),
              let file = FileHandle(forWritingAtPath: partial.path)
        else { throw .file("cannot write \(partial.path)") }
        do {
            var written = 0
            do {
                for try await chunk in response.body {
                    written += chunk.readableBytes
                    guard written <= maximumBytes else { throw VideoDownloadError.tooLarge(limit: maximumBytes, seen: written) }
                    try file.write(contentsOf: chunk.readableBytesView)
                }
                try file.synchronize()
                try file.close()
            } catch let error as VideoDownloadError {
                throw error
            } catch {
                throw VideoDownloadError.transport("\(error)")
            }
            guard rename(partial.path, destination.path) == 0 else {
                throw VideoDownloadError.file("cannot rename into \(destination.path): \(String(cString: strerror(errno)))")
            }
            return destination.path
        } catch {
            try? file.close()
            try? FileManager.default.removeItem(at: partial)
            throw error as? VideoDownloadError ?? .transport("\(error)")
        }
    }

    /// `url` without its query and fragment, which for signed CDN links hold the credential.
    static func shown(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "(an unreadable URL)" }
        parts.query = nil
        parts.fragment = nil
        parts.user = nil
        parts.password = nil
        return parts.string ?? "(an unreadable URL)"
    }

    /// `mp4` for MP4 (and as the default), else what the content type or the URL's path names.
    static func fileExtension(contentType: String, url: URL) -> String {
        switch contentType {
        case "video/mp4", "application/mp4": return "mp4"
        case "video/quicktime": return "mov"
        case "video/webm": return "webm"
        default:
            let fromPath = url.pathExtension.lowercased()
            return (1...4).contains(fromPath.count) && fromPath.allSatisfy(\.isLetter) ? fromPath : "mp4"
        }
    }
}

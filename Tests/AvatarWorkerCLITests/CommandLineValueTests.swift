@testable import avatar_worker
import AvatarJobs
import Foundation
import Testing
import TestSupport
import WorkerTestSupport

/// The small value types of the command line: result filters, `--since` moments, fitted lines, file names and
/// the checks of a video download.
@Suite("Command-line values")
struct CommandLineValueTests {
    @Test("ResultFilter: every given criterion must match; error codes exactly or by prefix*")
    func resultFilter() {
        var event = AvatarResultEvent(type: .failed, jobID: "j", attempt: 1, occurredAt: Date(), worker: .init(id: "w"))
        event.error = ResultError(code: "api.throttled", message: "slow down", retryable: true)
        #expect(ResultFilter().matches(event))
        #expect(ResultFilter(jobIDs: ["j"], types: [.failed], errorCodes: ["api.*"]).matches(event))
        #expect(!ResultFilter(errorCodes: ["api.permanent"]).matches(event))
        #expect(!ResultFilter(types: [.succeeded]).matches(event))
        #expect(!ResultFilter(jobIDs: ["other"]).matches(event))
    }

    @Test("--since: RFC 3339 with or without fractions, a date, or an age; anything else is refused")
    func since() throws {
        let now = try Date("2026-04-27T12:00:00Z", strategy: .iso8601)
        #expect(PointInTime.parse("2026-04-27T10:00:00Z", now: now) == now - 7200)
        #expect(PointInTime.parse("2026-04-27T10:00:00.250Z", now: now) == now - 7199.75)
        #expect(PointInTime.parse("2026-04-27", now: now) == now - 43200)
        #expect(PointInTime.parse("90s", now: now) == now - 90)
        #expect(PointInTime.parse("2h", now: now) == now - 7200)
        #expect(PointInTime.parse("7d", now: now) == now - 604_800)
        #expect(PointInTime.parse("yesterday", now: now) == nil)
    }

    @Test("a terminal line never reaches the last column")
    func fit() {
        let terminal = Terminal(width: 10, height: 5)
        #expect(terminal.fit("123456789") == "123456789")
        #expect(terminal.fit("1234567890") == "12345678…")
    }

    @Test("a download keeps only a complete video: wrong type, too large and HTTP errors leave nothing, a good one is renamed into place")
    func download() async throws {
        let video = [UInt8](repeating: 7, count: 4096)
        let server = try LocalHTTPServer { request in
            switch request.path {
            case "/v.mp4": .init(headers: ["Content-Type": "video/mp4"], body: video)
            case "/page": .init(headers: ["Content-Type": "text/html"], body: Array("<html>".utf8))
            case "/big": .init(headers: ["Content-Type": "application/octet-stream"], body: [UInt8](repeating: 1, count: 9000))
            default: .init(status: 404, headers: ["Content-Type": "text/plain"])
            }
        }
        defer { server.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(UniqueName.make("downloads"))
        let downloader = VideoDownloader(directory: directory, maximumBytes: 8192, timeout: .seconds(30))
        #expect(await downloader.save(jobID: "j", urls: [server.url("/v.mp4")]) == .saved([directory.appendingPathComponent("j.mp4").path]))
        #expect([UInt8](try Data(contentsOf: directory.appendingPathComponent("j.mp4"))) == video)
        for (path, expected) in [
            ("/page", VideoDownloadError.contentType("text/html")), ("/big", .tooLarge(limit: 8192, seen: 9000)), ("/gone", .httpStatus(404)),
        ] {
            await #expect(throws: expected) { _ = try await downloader.download(server.url(path), name: "x") }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path) == ["j.mp4"], "no partial file left")
        #expect(VideoDownloader.shown("https://u:p@cdn.example.com/v.mp4?sig=secret#f") == "https://cdn.example.com/v.mp4")
    }
}

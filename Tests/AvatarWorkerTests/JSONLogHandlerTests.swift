import Foundation
import Logging
import Synchronization
import Testing

@testable import AvatarWorker

@Suite("JSON log lines")
struct JSONLogHandlerTests {
    /// A logger whose JSON lines are kept, and the lines.
    static func capturing(provider: Logger.MetadataProvider? = nil) -> (Logger, @Sendable () -> [[String: Any]]) {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "test.json") { label in
            JSONLogHandler(label: label, metadataProvider: provider) { line in lines.withLock { $0.append(line) } }
        }
        logger.logLevel = .trace
        return (logger, {
            lines.withLock { $0 }.map { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] ?? [:] }
        })
    }

    @Test("One JSON object per line with time, level, label, message, source and the metadata as it was")
    func shape() throws {
        var (logger, lines) = Self.capturing(provider: Logger.MetadataProvider { ["from_provider": "p"] })
        logger[metadataKey: "worker_id"] = "w-1"
        logger.warning("create failed", metadata: [
            "job_id": "j-1", "partition": .stringConvertible(Int32(3)), "tags": ["a", "b"], "nested": ["k": "v"],
        ])
        let line = try #require(lines().first)
        #expect(line["message"] as? String == "create failed")
        #expect(line["level"] as? String == "warning")
        #expect(line["label"] as? String == "test.json")
        #expect(line["source"] as? String == "AvatarWorkerTests")
        #expect(line["job_id"] as? String == "j-1")
        #expect(line["partition"] as? String == "3")
        #expect(line["worker_id"] as? String == "w-1")
        #expect(line["from_provider"] as? String == "p")
        #expect(line["tags"] as? [String] == ["a", "b"])
        #expect((line["nested"] as? [String: String]) == ["k": "v"])
        let time = try #require(line["time"] as? String)
        #expect(time.hasSuffix("Z") && time.contains("."), "RFC 3339 UTC with fractions, got \(time)")
    }

    @Test("Metadata cannot overwrite the fixed keys")
    func fixedKeysWin() throws {
        let (logger, lines) = Self.capturing()
        logger.info("real message", metadata: ["message": "forged", "level": "critical"])
        let line = try #require(lines().first)
        #expect(line["message"] as? String == "real message")
        #expect(line["level"] as? String == "info")
        #expect(line["metadata.message"] as? String == "forged")
    }

    @Test("--log-format names: text and json, nothing else")
    func formats() {
        #expect(LogFormat(named: "json") == .json)
        #expect(LogFormat(named: "text") == .text)
        #expect(LogFormat(named: "logfmt") == nil)
        #expect(LogFormat.json.makeHandler(label: "x", level: .debug) is JSONLogHandler)
        #expect(LogFormat.json.makeHandler(label: "x", level: .debug).logLevel == .debug)
    }
}

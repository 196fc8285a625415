import Foundation
import TestSupport
import Testing

/// The redaction harness finds what it must and nothing else, so a clean redaction run means something.
@Suite("Secret scanner")
struct SecretScannerTests {
    static let payload = Data((0..<900).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }).base64EncodedString()

    static var scanner: SecretScanner {
        var scanner = SecretScanner()
        scanner.secret("sk-live-abc123", named: "API key")
        scanner.payload(payload, named: "image")
        return scanner
    }

    @Test("A secret anywhere in a line is found")
    func secret() {
        #expect(Self.scanner.scan("request failed: bearer sk-live-abc123 refused", source: "log").map(\.what) == [#"secret "API key""#])
    }

    @Test("Any 36 consecutive characters of a payload are found, wherever they start", arguments: [0, 5, 11, 12, 400, 1163])
    func fragment(start: Int) {
        let characters = Array(Self.payload)
        let piece = String(characters[start..<min(characters.count, start + 36)])
        let findings = Self.scanner.scan("body excerpt: \"\(piece)\" (truncated)", source: "log")
        #expect(findings.contains { $0.what == #"payload "image""# }, "\(piece)")
    }

    @Test("A long base64 run nobody registered is reported as suspect")
    func suspectRun() {
        let unknown = Data(repeating: 0xA7, count: 90).base64EncodedString()
        #expect(Self.scanner.scan("x=\(unknown)", source: "metrics").map(\.what) == ["base64-looking run"])
    }

    @Test("Ids, hashes and trace ids are not findings")
    func noFalsePositives() {
        let line = "job_id=order-1 trace_id=0af7651916cd43dd8448eb211c80319c task_id=CmZ8Tt0hYZgAAAAAAEwHuw "
            + "event_id=8d5589373b35c8d3b1c8c1182c6e4a4ff14bffa3dd0b605fcd08f73c94cef809 uuid=\(UUID().uuidString)"
        #expect(Self.scanner.scan(line, source: "log").isEmpty)
    }
}

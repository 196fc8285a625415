import CometAPI
import Foundation
import Testing

@Suite("API key loading and redaction")
struct APIKeyTests {
    @Test("from the environment, trimmed; missing and blank are typed errors")
    func environment() throws {
        let key = try APIKey.fromEnvironment(environment: ["COMETAPI_KEY": "  sk-env-1 \n"])
        #expect(key.authorizationHeaderValue == "Bearer sk-env-1")
        #expect(throws: APIKeyError.missing(source: "environment variable COMETAPI_KEY")) {
            try APIKey.fromEnvironment(environment: [:])
        }
        #expect(throws: APIKeyError.empty(source: "environment variable COMETAPI_KEY")) {
            try APIKey.fromEnvironment(environment: ["COMETAPI_KEY": " \n"])
        }
    }

    @Test("from a file, trailing newline trimmed; an unreadable file names the path")
    func file() throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("cometapi-key-\(UUID().uuidString)")
        try "sk-file-2\n".write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        #expect(try APIKey.fromFile(url.path).authorizationHeaderValue == "Bearer sk-file-2")
        do {
            _ = try APIKey.fromFile("/nonexistent/key")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.contains("/nonexistent/key"))
        }
        #expect(throws: APIKeyError.malformed(source: "argument")) { try APIKey("a\nb") }
    }

    @Test("description, debugDescription, dump and interpolation never show the secret")
    func redaction() throws {
        let key = try APIKey("sk-very-secret-value")
        var dumped = ""
        dump(key, to: &dumped)
        for text in [key.description, key.debugDescription, dumped, "\(key)", String(reflecting: key)] {
            #expect(!text.contains("sk-very-secret-value"), "\(text)")
        }
        #expect(key.redact("echo sk-very-secret-value!") == "echo [REDACTED]!")
    }
}

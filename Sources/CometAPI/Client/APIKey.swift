import Foundation

/// The CometAPI secret, held so that it cannot leak through printing, logging or reflection.
///
/// `description`, `debugDescription` and `dump` all show `APIKey(redacted)`. The only way to the secret is
/// ``authorizationHeaderValue``, which the client puts into the `Authorization` header of requests to the configured
/// base URL and nowhere else. ``redact(_:)`` scrubs the secret out of any text (server messages, body excerpts) before
/// it reaches an error or a log line.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The environment variable ``fromEnvironment(_:environment:)`` reads by default.
    public static let defaultEnvironmentVariable = "COMETAPI_KEY"

    private let secret: String

    /// Wraps a key given in code (tests, a secret store). Surrounding whitespace and newlines are trimmed.
    ///
    /// - Throws: ``APIKeyError/empty(source:)`` when nothing is left after trimming.
    public init(_ secret: String, source: String = "argument") throws(APIKeyError) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw .empty(source: source) }
        guard !trimmed.contains(where: { $0.isNewline || $0 == "\0" }) else { throw .malformed(source: source) }
        self.secret = trimmed
    }

    /// Reads the key from an environment variable (default `COMETAPI_KEY`).
    ///
    /// - Throws: ``APIKeyError/missing(source:)`` when the variable is unset, ``APIKeyError/empty(source:)`` when blank.
    public static func fromEnvironment(
        _ name: String = defaultEnvironmentVariable,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(APIKeyError) -> APIKey {
        guard let value = environment[name] else { throw .missing(source: "environment variable \(name)") }
        return try APIKey(value, source: "environment variable \(name)")
    }

    /// Reads the key from a file (a mounted secret), trimming a trailing newline and surrounding blanks.
    ///
    /// - Throws: ``APIKeyError/unreadable(source:reason:)`` when the file cannot be read as UTF-8 text.
    public static func fromFile(_ path: String) throws(APIKeyError) -> APIKey {
        let contents: String
        do {
            contents = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(source: "file \(path)", reason: "\((error as NSError).localizedDescription)")
        }
        return try APIKey(contents, source: "file \(path)")
    }

    /// The value of the `Authorization` header: `Bearer <key>`. Use it only for requests to the configured base URL.
    public var authorizationHeaderValue: String { "Bearer \(secret)" }

    /// Replaces every occurrence of the secret in `text` with `[REDACTED]`.
    public func redact(_ text: String) -> String {
        text.contains(secret) ? text.replacingOccurrences(of: secret, with: "[REDACTED]") : text
    }

    /// Whether `candidate` is this key (for a server that checks bearer tokens, such as the simulator).
    public func matches(_ candidate: String) -> Bool { candidate == secret }

    /// Always `APIKey(redacted)`.
    public var description: String { "APIKey(redacted)" }
    /// Always `APIKey(redacted)`.
    public var debugDescription: String { "APIKey(redacted)" }
    /// A mirror without children, so `dump` and reflection-based loggers see no secret.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// Why an ``APIKey`` could not be loaded. Names the source (variable or file), never the value.
public enum APIKeyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable is not set.
    case missing(source: String)
    /// The source holds only whitespace.
    case empty(source: String)
    /// The key spans several lines or holds a NUL byte, so it cannot go into an HTTP header.
    case malformed(source: String)
    /// The file could not be read.
    case unreadable(source: String, reason: String)

    /// A sentence naming the source and what to fix.
    public var description: String {
        switch self {
        case .missing(let source): "CometAPI key not found: \(source) is not set"
        case .empty(let source): "CometAPI key from \(source) is empty"
        case .malformed(let source): "CometAPI key from \(source) spans several lines or contains NUL; expected one token"
        case .unreadable(let source, let reason): "CometAPI key could not be read from \(source): \(reason)"
        }
    }
}

import Foundation

/// The CometAPI key, wrapped so it cannot leak into a log, metric, event or error message by accident.
///
/// `description`, `debugDescription` and reflection (`dump`, string interpolation) all show `<redacted>`; the only
/// way to the secret is `revealForAuthorizationHeader()`, which the HTTP client calls when it builds the request to
/// the configured base URL.
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    private let secret: String
    /// Where the key came from (`COMETAPI_KEY` or the key file's path), safe to log.
    public let origin: String

    /// Wraps `secret`, trimmed of surrounding whitespace; nil when nothing is left.
    public init?(secret: String, origin: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        self.secret = trimmed
        self.origin = origin
    }

    /// The secret itself, for the `Authorization: Bearer` header and nothing else.
    public func revealForAuthorizationHeader() -> String { secret }

    public var description: String { "<redacted API key from \(origin)>" }

    public var debugDescription: String { description }

    public var customMirror: Mirror { Mirror(self, children: ["origin": origin]) }
}

/// Why a message is not JSON at all: the byte offset and what the parser expected there.
///
/// The validator turns it into a `job.not_json` error; callers may rely on `offset` pointing at or just after the
/// first offending byte.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the message where parsing stopped.
    public let offset: Int
    /// What was wrong, e.g. "expected ':' after object key".
    public let reason: String

    /// Creates the error; `offset` is a byte index into the message.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "reason at byte N", for logs and error messages.
    public var description: String { "\(reason) at byte \(offset)" }
}

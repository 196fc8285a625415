/// What materialising a string does with text that is valid JSON syntax but not valid Unicode: a lone surrogate
/// escape (`\ud800` without its low half) or bytes that are not UTF-8.
///
/// RFC 8259 leaves both to the implementation. The job contract refuses them (``refuse``): a job id or prompt must
/// mean one thing. The API client replaces them (``replace``): a task's status message cut in the middle of an
/// emoji must not turn an answer into an unreadable one. Escapes, control characters and the grammar stay strict
/// under both.
public struct InvalidUnicodePolicy: Sendable, Hashable {
    /// Whether invalid text becomes U+FFFD rather than an error.
    let replacesInvalidText: Bool

    /// Refuse the document with ``JSONSyntaxError/Kind/loneSurrogate`` or ``JSONSyntaxError/Kind/invalidUTF8``.
    public static let refuse = InvalidUnicodePolicy(replacesInvalidText: false)
    /// Put U+FFFD, the replacement character, where the invalid text was.
    public static let replace = InvalidUnicodePolicy(replacesInvalidText: true)
}

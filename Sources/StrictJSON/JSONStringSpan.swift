/// The raw bytes of a JSON string literal between its quotes, as offsets into the parsed bytes.
///
/// The parser only finds the closing quote; escapes, control characters and UTF-8 are checked when the string is
/// materialised (``JSONParser/string(_:in:invalidUnicode:)``) or base64-decoded, so a span that is never looked at
/// costs nothing.
package struct JSONStringSpan: Sendable {
    /// Offset of the first byte after the opening quote.
    package let start: Int
    /// Offset of the closing quote.
    package let end: Int
    /// Whether the literal contains a backslash (and so cannot be used as raw bytes).
    package let hasEscapes: Bool

    /// Number of bytes between the quotes.
    package var byteCount: Int { end - start }
}

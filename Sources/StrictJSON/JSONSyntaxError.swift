/// Why bytes are not one JSON document: what was wrong, the byte offset where it was found, and a sentence that says
/// what was expected and what was seen there.
///
/// The job validator turns it into a `job.not_json` error and the API client into an unreadable-answer error; callers
/// may rely on `offset` pointing at the first offending byte (the backslash of a bad escape, the first digit of a bad
/// number, the first byte of an invalid UTF-8 sequence).
public struct JSONSyntaxError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of refusal this is.
    public let kind: Kind
    /// Byte offset into the parsed bytes.
    public let offset: Int
    /// What was wrong, e.g. "expected ':' after an object key, found ','".
    public let reason: String

    /// An error of `kind` at byte `offset`.
    package init(_ kind: Kind, at offset: Int, _ reason: String) {
        self.kind = kind
        self.offset = offset
        self.reason = reason
    }

    /// "reason at byte N", for logs and error messages.
    public var description: String { "\(reason) at byte \(offset)" }

    /// The kinds of refusal, as static members so more can be added without breaking callers.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        /// Short name, e.g. "invalid number".
        public let name: String

        /// The bytes end inside a value (or there are none).
        public static let unexpectedEnd = Kind(name: "unexpected end")
        /// A byte that cannot start or continue the value at that place (including a byte order mark and
        /// whitespace other than space, tab, line feed and carriage return).
        public static let unexpectedByte = Kind(name: "unexpected byte")
        /// Something other than whitespace follows the document's value.
        public static let trailingData = Kind(name: "trailing data")
        /// `true`, `false` or `null` misspelt.
        public static let invalidLiteral = Kind(name: "invalid literal")
        /// A number against RFC 8259's grammar: a leading zero, nothing after '-', '.' or the exponent mark.
        public static let invalidNumber = Kind(name: "invalid number")
        /// A number whose value is not finite as a `Double` (`1e999`).
        public static let numberOutOfRange = Kind(name: "number out of range")
        /// A string without its closing quote.
        public static let unterminatedString = Kind(name: "unterminated string")
        /// A backslash followed by anything but `" \ / b f n r t` or `u` and four hex digits.
        public static let invalidEscape = Kind(name: "invalid escape")
        /// A raw byte below 0x20 inside a string; it must be escaped.
        public static let controlCharacter = Kind(name: "control character")
        /// A `\u` escape of a UTF-16 surrogate without its other half (refused under ``InvalidUnicodePolicy/refuse``).
        public static let loneSurrogate = Kind(name: "lone surrogate")
        /// String bytes that are not UTF-8 (refused under ``InvalidUnicodePolicy/refuse``).
        public static let invalidUTF8 = Kind(name: "invalid UTF-8")
        /// Arrays and objects nested deeper than 64 levels (the parser's limit, so hostile input cannot exhaust the stack).
        public static let tooDeep = Kind(name: "nesting too deep")

        /// The name.
        public var description: String { name }
    }
}

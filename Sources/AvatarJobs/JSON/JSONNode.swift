/// A parsed JSON value whose strings still point into the message bytes.
///
/// Keeping strings as spans lets the validator base64-decode a 10 MB `image` straight from the message without
/// first copying it into a `String`; only strings the contract needs as text are materialised
/// (see ``JSONStringSpan``).
indirect enum JSONNode: Sendable {
    case null
    case bool(Bool)
    /// A number: its value, and the exact integer when the literal is integral and fits `Int`.
    case number(Double, integer: Int?)
    case string(JSONStringSpan)
    case array([JSONNode])
    /// Members in document order; duplicate keys are kept so the validator can report them.
    case object([JSONMember])

    /// The JSON Schema type name of this node, for "expected X, found Y" messages.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(_, let integer): integer == nil ? "number" : "integer"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// One `"key": value` pair of a JSON object.
struct JSONMember: Sendable {
    let key: String
    let value: JSONNode
}

/// The raw bytes of a JSON string literal between its quotes, as offsets into the message.
///
/// The parser only finds the closing quote; escapes, control characters and UTF-8 are checked when the string is
/// materialised (``JSONParser/string(_:in:)``) or base64-decoded, so a span that is never looked at costs nothing.
struct JSONStringSpan: Sendable {
    /// Offset of the first byte after the opening quote.
    let start: Int
    /// Offset of the closing quote.
    let end: Int
    /// Whether the literal contains a backslash (and so cannot be used as raw bytes).
    let hasEscapes: Bool

    /// Number of bytes between the quotes.
    var byteCount: Int { end - start }
}

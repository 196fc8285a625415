/// A parsed JSON value whose strings still point into the parsed bytes.
///
/// Keeping strings as spans lets the job validator base64-decode a 10 MB `image` straight from the message without
/// first copying it into a `String`; only strings a caller needs as text are materialised
/// (``JSONParser/string(_:in:invalidUnicode:)``), and ``JSONValue/init(_:in:invalidUnicode:)`` materialises all of
/// them.
package indirect enum JSONNode: Sendable {
    case null
    case bool(Bool)
    /// A number: its value, and the exact integer when the literal is integral and fits `Int64` (or is an integral
    /// value below 9 × 10^15 written with a fraction or exponent, such as `1.0` or `1e3`).
    case number(Double, integer: Int64?)
    case string(JSONStringSpan)
    case array([JSONNode])
    /// Members in document order; duplicate keys are all kept, so the validator can report them.
    case object([JSONMember])

    /// The JSON Schema type name of this node, for "expected X, found Y" messages.
    package var typeName: String {
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

/// One `"key": value` pair of a JSON object; the key is materialised (keys are short and always compared).
package struct JSONMember: Sendable {
    package let key: String
    package let value: JSONNode
}

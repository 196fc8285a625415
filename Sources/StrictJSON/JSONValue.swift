/// A JSON value held in memory: the one value type of the package, for caller-defined data the job contract echoes
/// unchanged into result events and ledger records (`metadata`) and for the API client's answers.
///
/// Integers that fit `Int64` stay exact (`.integer`): CometAPI task ids exceed 2^53, where a `Double` would corrupt
/// them. Other numbers are `Double`. Object key order is not kept (JSON objects are unordered; a duplicate key keeps
/// its last value); encoding with sorted keys makes the output deterministic.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// The JSON type name used in error messages ("string", "object", …), matching JSON Schema's vocabulary.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    /// The member `key` of an object; `nil` for other values or a missing key.
    package subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] } else { return nil }
    }

    /// The object's members, or `nil` for other values.
    package var object: [String: JSONValue]? {
        if case .object(let members) = self { return members } else { return nil }
    }

    /// The array's elements, or `nil` for other values.
    package var array: [JSONValue]? {
        if case .array(let elements) = self { return elements } else { return nil }
    }
}

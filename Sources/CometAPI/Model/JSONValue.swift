import Foundation

/// Any JSON value, decoded without a fixed schema so that the parser can accept the API's shape drift (ids as strings
/// or numbers, wrapped or plain objects, unknown fields).
///
/// Integers are kept exactly as `Int64` (task ids exceed 2^53, so `Double` would corrupt them).
enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case integer(Int64)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    /// Parses `bytes` as JSON; `nil` when they are not JSON at all.
    static func parse(_ bytes: some Collection<UInt8>) -> JSONValue? {
        guard !bytes.isEmpty else { return nil }
        return bytes.withContiguousStorageIfAvailable(JSONReader.parse) ?? Array(bytes).withUnsafeBufferPointer(JSONReader.parse)
    }

    /// The member `key` of an object; `nil` for other values or a missing key.
    subscript(key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] } else { return nil }
    }

    /// The object's members, or `nil`.
    var object: [String: JSONValue]? {
        if case .object(let members) = self { return members } else { return nil }
    }

    /// The array's elements, or `nil`.
    var array: [JSONValue]? {
        if case .array(let elements) = self { return elements } else { return nil }
    }

    /// A string, or an integer written as decimal text (ids come both ways). Empty strings count as absent.
    var text: String? {
        switch self {
        case .string(let value): value.isEmpty ? nil : value
        case .integer(let value): String(value)
        case .number(let value): value.rounded() == value && abs(value) < 1e18 ? String(Int64(value)) : String(value)
        default: nil
        }
    }

    /// An integer, also from numeric text such as `"1303"`.
    var integer: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): value.rounded() == value && abs(value) < 9e18 ? Int64(value) : nil
        case .string(let value): Int64(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A floating-point number, also from numeric text such as `"5.2"`.
    var double: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        case .string(let value): Double(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A millisecond Unix timestamp as a date (also accepts numeric text).
    var millisecondsDate: Date? {
        double.map { Date(timeIntervalSince1970: $0 / 1000) }
    }
}

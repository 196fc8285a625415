import Foundation
import StrictJSON

/// How the API client reads values of an answer: leniently, because the API's shape drifts (ids come as strings or
/// numbers, codes and durations as numbers or numeric text). The parsing stays strict; only the reading is lenient.
extension JSONValue {
    /// A string, or a number written as decimal text (ids come both ways). Empty strings count as absent.
    var text: String? {
        switch self {
        case .string(let value): value.isEmpty ? nil : value
        case .integer(let value): String(value)
        case .double(let value): value.rounded() == value && abs(value) < 1e18 ? String(Int64(value)) : String(value)
        default: nil
        }
    }

    /// An integer, also from an integral double or from numeric text such as `"1303"`.
    var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .double(let value): value.rounded() == value && abs(value) < 9e18 ? Int64(value) : nil
        case .string(let value): Int64(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A floating-point number, also from numeric text such as `"5.2"`.
    var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .double(let value): value
        case .string(let value): Double(value.trimmingCharacters(in: .whitespaces))
        default: nil
        }
    }

    /// A millisecond Unix timestamp as a date (also from numeric text).
    var millisecondsDate: Date? {
        doubleValue.map { Date(timeIntervalSince1970: $0 / 1000) }
    }
}

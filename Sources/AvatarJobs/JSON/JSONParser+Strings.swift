extension JSONParser {
    /// Materialises a string literal: resolves escapes (surrogate pairs included) and checks that it has no raw
    /// control characters and is valid UTF-8.
    ///
    /// Returns `nil` for anything RFC 8259 forbids, and for lone surrogates, which a Swift `String` cannot hold.
    static func string(_ span: JSONStringSpan, in bytes: UnsafeRawBufferPointer) -> String? {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end])
        if !span.hasEscapes {
            for byte in raw where byte < 0x20 { return nil }
            return String(validating: raw, as: UTF8.self)
        }
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte < 0x20 { return nil }
            guard byte == 0x5C else {
                output.append(byte)
                index += 1
                continue
            }
            guard index + 1 < raw.count else { return nil }
            let escaped = raw[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): output.append(escaped)
            case UInt8(ascii: "b"): output.append(0x08)
            case UInt8(ascii: "f"): output.append(0x0C)
            case UInt8(ascii: "n"): output.append(0x0A)
            case UInt8(ascii: "r"): output.append(0x0D)
            case UInt8(ascii: "t"): output.append(0x09)
            case UInt8(ascii: "u"):
                guard let unit = hexUnit(raw, at: index) else { return nil }
                index += 4
                var scalarValue = UInt32(unit)
                if (0xD800...0xDBFF).contains(unit) {
                    guard index + 6 <= raw.count, raw[index] == 0x5C, raw[index + 1] == UInt8(ascii: "u"),
                          let low = hexUnit(raw, at: index + 2), (0xDC00...0xDFFF).contains(low)
                    else { return nil }
                    index += 6
                    scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                } else if (0xDC00...0xDFFF).contains(unit) {
                    return nil
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { return nil }
                output.append(contentsOf: UTF8.encode(scalar)!)
            default:
                return nil
            }
        }
        return String(validating: output, as: UTF8.self)
    }

    private static func hexUnit(_ raw: UnsafeRawBufferPointer, at index: Int) -> UInt16? {
        guard index + 4 <= raw.count else { return nil }
        var value: UInt16 = 0
        for offset in 0..<4 {
            let byte = raw[index + offset]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: return nil
            }
            value = value << 4 | UInt16(digit)
        }
        return value
    }

    /// Converts a parsed node into an owned ``JSONValue``; `nil` when a string inside is invalid.
    static func value(of node: JSONNode, in bytes: UnsafeRawBufferPointer) -> JSONValue? {
        switch node {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let double, let integer): return integer.map(JSONValue.integer) ?? .double(double)
        case .string(let span): return string(span, in: bytes).map(JSONValue.string)
        case .array(let elements):
            var values: [JSONValue] = []
            values.reserveCapacity(elements.count)
            for element in elements {
                guard let value = value(of: element, in: bytes) else { return nil }
                values.append(value)
            }
            return .array(values)
        case .object(let members):
            var values: [String: JSONValue] = [:]
            for member in members {
                guard let value = value(of: member.value, in: bytes) else { return nil }
                values[member.key] = value
            }
            return .object(values)
        }
    }
}

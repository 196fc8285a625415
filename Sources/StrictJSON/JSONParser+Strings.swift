/// Materialising string literals: escapes, control characters and Unicode, checked only for strings someone reads.
extension JSONParser {
    /// The text of a string literal: escapes resolved (surrogate pairs joined), raw control characters refused, and
    /// invalid Unicode (lone surrogates, bytes that are not UTF-8) refused or replaced as `invalidUnicode` says.
    /// - Throws: ``JSONSyntaxError`` of kind ``JSONSyntaxError/Kind/controlCharacter``,
    ///   ``JSONSyntaxError/Kind/invalidEscape``, ``JSONSyntaxError/Kind/loneSurrogate`` or
    ///   ``JSONSyntaxError/Kind/invalidUTF8``, at the offending byte of `bytes`.
    package static func string(
        _ span: JSONStringSpan, in bytes: UnsafeRawBufferPointer, invalidUnicode: InvalidUnicodePolicy = .refuse
    ) throws(JSONSyntaxError) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[span.start..<span.end])
        if !span.hasEscapes {
            if let index = raw.firstIndex(where: { $0 < 0x20 }) {
                throw controlCharacter(raw[index], at: span.start + index)
            }
            if let text = String(validating: raw, as: UTF8.self) { return text }
            return try repairedUTF8(raw, at: span.start, invalidUnicode)
        }
        var output: [UInt8] = []
        output.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let byte = raw[index]
            if byte < 0x20 { throw controlCharacter(byte, at: span.start + index) }
            guard byte == 0x5C else {
                output.append(byte)
                index += 1
                continue
            }
            let escapeOffset = span.start + index
            guard index + 1 < raw.count else {
                throw JSONSyntaxError(.invalidEscape, at: escapeOffset, "a backslash ends the string")
            }
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
                guard let unit = hexUnit(raw, at: index) else {
                    throw JSONSyntaxError(.invalidEscape, at: escapeOffset, "\\u must be followed by four hex digits")
                }
                index += 4
                let scalar: Unicode.Scalar
                switch unit {
                case 0xD800...0xDBFF:
                    if index + 6 <= raw.count, raw[index] == 0x5C, raw[index + 1] == UInt8(ascii: "u"),
                       let low = hexUnit(raw, at: index + 2), (0xDC00...0xDFFF).contains(low) {
                        index += 6
                        scalar = Unicode.Scalar(0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00))!
                    } else {
                        scalar = try loneSurrogate(unit, at: escapeOffset, "is not followed by a low surrogate", invalidUnicode)
                    }
                case 0xDC00...0xDFFF:
                    scalar = try loneSurrogate(unit, at: escapeOffset, "has no high surrogate before it", invalidUnicode)
                default:
                    scalar = Unicode.Scalar(unit)!
                }
                output.append(contentsOf: UTF8.encode(scalar)!)
            default:
                let shown = (0x21...0x7E).contains(escaped)
                    ? "\\\(Character(Unicode.Scalar(escaped)))" : "a backslash before \(describe(escaped))"
                throw JSONSyntaxError(
                    .invalidEscape, at: escapeOffset,
                    "\(shown) is not an escape (use \\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)")
            }
        }
        if let text = String(validating: output, as: UTF8.self) { return text }
        // Escapes only ever add whole scalars, so the invalid bytes are raw ones: report (or replace) them there.
        _ = try repairedUTF8(raw, at: span.start, invalidUnicode)
        return String(decoding: output, as: UTF8.self)
    }

    private static func controlCharacter(_ byte: UInt8, at offset: Int) -> JSONSyntaxError {
        let code = String(byte, radix: 16, uppercase: true)
        let padded = String(repeating: "0", count: 4 - code.count) + code
        return JSONSyntaxError(
            .controlCharacter, at: offset, "raw control character U+\(padded) in a string (escape it as \\u\(padded))")
    }

    /// U+FFFD for a lone surrogate under ``InvalidUnicodePolicy/replace``; the refusal otherwise.
    private static func loneSurrogate(
        _ unit: UInt16, at offset: Int, _ problem: String, _ policy: InvalidUnicodePolicy
    ) throws(JSONSyntaxError) -> Unicode.Scalar {
        guard policy.replacesInvalidText else {
            let hex = String(unit, radix: 16)
            throw JSONSyntaxError(.loneSurrogate, at: offset, "the surrogate \\u\(hex) \(problem)")
        }
        return "\u{FFFD}"
    }

    /// `raw` with invalid UTF-8 replaced by U+FFFD under ``InvalidUnicodePolicy/replace``; otherwise the refusal at
    /// the first byte that is not UTF-8 (`start` is the offset of `raw` in the parsed bytes).
    private static func repairedUTF8(
        _ raw: UnsafeRawBufferPointer, at start: Int, _ policy: InvalidUnicodePolicy
    ) throws(JSONSyntaxError) -> String {
        if policy.replacesInvalidText { return String(decoding: raw, as: UTF8.self) }
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = raw.makeIterator()
        var offset = 0
        while case .valid(let encoded) = parser.parseScalar(from: &iterator) { offset += encoded.count }
        let byte = offset < raw.count ? raw[offset] : nil
        throw JSONSyntaxError(.invalidUTF8, at: start + offset, "\(describe(byte)) does not continue or start UTF-8 text")
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
}

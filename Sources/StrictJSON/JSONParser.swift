import Foundation

/// The one JSON parser of the package: strict RFC 8259 over raw bytes, shared by the job contract and the API client.
///
/// It differs from `JSONSerialization` in what the contract needs: strings stay spans into the buffer (a megabyte of
/// base64 is found with `memchr`, never copied), duplicate keys are kept, nesting is bounded, and every refusal is a
/// ``JSONSyntaxError`` that names its kind, its byte offset and what was expected there. Trailing commas, comments,
/// `NaN`, leading zeros, a byte order mark and bytes after the value are refused.
///
/// String contents (escapes, control characters, UTF-8) are checked when a string is materialised, not while the
/// structure is parsed: see ``string(_:in:invalidUnicode:)``. Object keys are always materialised.
package struct JSONParser {
    /// Deepest nesting of arrays and objects accepted; deeper input is refused instead of recursing further.
    package static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private let invalidUnicode: InvalidUnicodePolicy
    private var position = 0

    private init(bytes: UnsafeRawBufferPointer, invalidUnicode: InvalidUnicodePolicy) {
        self.bytes = bytes
        self.invalidUnicode = invalidUnicode
    }

    /// Parses the one JSON document that fills `bytes` (surrounding whitespace allowed); `invalidUnicode` applies to
    /// object keys, the only strings parsed eagerly.
    package static func parse(
        _ bytes: UnsafeRawBufferPointer, invalidUnicode: InvalidUnicodePolicy = .refuse
    ) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes, invalidUnicode: invalidUnicode)
        parser.skipWhitespace()
        let root = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.position != bytes.count {
            throw parser.fail(.trailingData, "expected the end after the JSON value, found \(parser.seen)")
        }
        return root
    }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private func fail(_ kind: JSONSyntaxError.Kind, _ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(kind, at: position, reason)
    }

    /// What is at the current position, for "found …": `'x'`, `byte 0xEF` or `the end`.
    private var seen: String { Self.describe(position < bytes.count ? bytes[position] : nil) }

    static func describe(_ byte: UInt8?) -> String {
        guard let byte else { return "the end" }
        if (0x21...0x7E).contains(byte) { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
    }

    /// The refusal for a byte that does not fit here: ``JSONSyntaxError/Kind/unexpectedEnd`` when there is none left.
    private func unexpected(expected: String) -> JSONSyntaxError {
        fail(position < bytes.count ? .unexpectedByte : .unexpectedEnd, "expected \(expected), found \(seen)")
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard position < bytes.count else { throw unexpected(expected: "a JSON value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try stringSpan())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw unexpected(expected: "a JSON value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count,
              memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0
        else { throw fail(.invalidLiteral, "expected '\(word)'") }
        position += count
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard depth <= Self.maximumDepth else { throw fail(.tooDeep, "nesting deeper than \(Self.maximumDepth)") }
        position += 1
        var members: [JSONMember] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(members)
        }
        while true {
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                throw unexpected(expected: "a string key")
            }
            let key = try Self.string(try stringSpan(), in: bytes, invalidUnicode: invalidUnicode)
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw unexpected(expected: "':' after an object key")
            }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value(depth: depth)))
            skipWhitespace()
            guard position < bytes.count else { throw unexpected(expected: "',' or '}' in an object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw unexpected(expected: "',' or '}' in an object")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard depth <= Self.maximumDepth else { throw fail(.tooDeep, "nesting deeper than \(Self.maximumDepth)") }
        position += 1
        var elements: [JSONNode] = []
        skipWhitespace()
        if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(elements)
        }
        while true {
            skipWhitespace()
            elements.append(try value(depth: depth))
            skipWhitespace()
            guard position < bytes.count else { throw unexpected(expected: "',' or ']' in an array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            } else {
                throw unexpected(expected: "',' or ']' in an array")
            }
        }
    }

    /// Finds the closing quote with `memchr`; a backslash before it switches to an escape-aware walk.
    private mutating func stringSpan() throws(JSONSyntaxError) -> JSONStringSpan {
        let opening = position
        let start = position + 1
        let base = bytes.baseAddress!
        guard let quote = memchr(base + start, 0x22, bytes.count - start) else {
            throw JSONSyntaxError(.unterminatedString, at: opening, "the string has no closing quote")
        }
        let quoteOffset = base.distance(to: UnsafeRawPointer(quote))
        guard let slash = memchr(base + start, 0x5C, quoteOffset - start) else {
            position = quoteOffset + 1
            return JSONStringSpan(start: start, end: quoteOffset, hasEscapes: false)
        }
        var index = base.distance(to: UnsafeRawPointer(slash))
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 0x22 {
                position = index + 1
                return JSONStringSpan(start: start, end: index, hasEscapes: true)
            }
            index += byte == 0x5C ? 2 : 1
        }
        throw JSONSyntaxError(.unterminatedString, at: opening, "the string has no closing quote")
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        var integral = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else {
            throw fail(.invalidNumber, "expected a digit after '-', found \(seen)")
        }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
            if position < bytes.count, isDigit(bytes[position]) {
                throw JSONSyntaxError(.invalidNumber, at: start, "a number may not start with a leading zero")
            }
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail(.invalidNumber, "expected a digit after '.', found \(seen)")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            integral = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else {
                throw fail(.invalidNumber, "expected a digit in the exponent, found \(seen)")
            }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            let shown = text.count > 40 ? text.prefix(40) + "…" : Substring(text)
            throw JSONSyntaxError(.numberOutOfRange, at: start, "\(shown) is beyond the range of a double")
        }
        let exact = integral ? Int64(text) : (value.rounded() == value && abs(value) < 9.0e15 ? Int64(value) : nil)
        return .number(value, integer: exact)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

private extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}

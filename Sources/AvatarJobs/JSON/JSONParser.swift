import Foundation

/// A strict RFC 8259 parser over raw message bytes, built for the validator's hot path.
///
/// It differs from `JSONSerialization` in what the contract needs: strings stay spans into the buffer (a
/// megabyte of base64 is found with `memchr`, never copied), duplicate keys are kept, nesting is bounded, and every
/// failure carries a byte offset. Trailing commas, comments, `NaN`, leading zeros and bytes after the value are
/// rejected.
struct JSONParser {
    /// Deepest nesting of arrays and objects accepted; deeper input is rejected instead of recursing further.
    static let maximumDepth = 64

    private let bytes: UnsafeRawBufferPointer
    private var position = 0

    private init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Parses one JSON document that fills `bytes` (surrounding whitespace allowed).
    static func parse(_ bytes: UnsafeRawBufferPointer) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let root = try parser.value(depth: 0)
        parser.skipWhitespace()
        if parser.position != bytes.count {
            throw JSONSyntaxError(offset: parser.position, reason: "unexpected data after the JSON value")
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

    private func fail(_ reason: String) -> JSONSyntaxError {
        JSONSyntaxError(offset: position, reason: reason)
    }

    private mutating func value(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard position < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try stringSpan())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try number()
        default: throw fail("expected a JSON value")
        }
    }

    private mutating func literal(_ word: StaticString) throws(JSONSyntaxError) {
        let count = word.utf8CodeUnitCount
        guard bytes.count - position >= count,
              memcmp(bytes.baseAddress! + position, word.utf8Start, count) == 0
        else { throw fail("invalid literal") }
        position += count
    }

    private mutating func object(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
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
                throw fail("expected a string key")
            }
            let keyStart = position
            let span = try stringSpan()
            guard let key = Self.string(span, in: bytes) else {
                throw JSONSyntaxError(offset: keyStart, reason: "invalid string in object key")
            }
            skipWhitespace()
            guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else {
                throw fail("expected ':' after object key")
            }
            position += 1
            skipWhitespace()
            members.append(JSONMember(key: key, value: try value(depth: depth)))
            skipWhitespace()
            guard position < bytes.count else { throw fail("unexpected end of input in object") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            } else {
                throw fail("expected ',' or '}' in object")
            }
        }
    }

    private mutating func array(depth: Int) throws(JSONSyntaxError) -> JSONNode {
        guard depth <= Self.maximumDepth else { throw fail("nesting deeper than \(Self.maximumDepth)") }
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
            guard position < bytes.count else { throw fail("unexpected end of input in array") }
            if bytes[position] == UInt8(ascii: ",") {
                position += 1
            } else if bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            } else {
                throw fail("expected ',' or ']' in array")
            }
        }
    }

    /// Finds the closing quote with `memchr`; a backslash before it switches to an escape-aware walk.
    private mutating func stringSpan() throws(JSONSyntaxError) -> JSONStringSpan {
        let start = position + 1
        let base = bytes.baseAddress!
        guard let quote = memchr(base + start, 0x22, bytes.count - start) else {
            throw fail("unterminated string")
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
        position = bytes.count
        throw fail("unterminated string")
    }

    private mutating func number() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        var integral = true
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count, isDigit(bytes[position]) else { throw fail("expected a digit") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            integral = false
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("expected a digit after '.'") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] | 0x20 == UInt8(ascii: "e") {
            integral = false
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("expected an exponent digit") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw JSONSyntaxError(offset: start, reason: "number out of range")
        }
        let exact = integral ? Int(text) : (value.rounded() == value && abs(value) < 9.0e15 ? Int(value) : nil)
        return .number(value, integer: exact)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
}

/// Why a message is not JSON at all: the byte offset and what the parser expected there.
///
/// The validator turns it into a `job.not_json` error; callers may rely on `offset` pointing at or just after the
/// first offending byte.
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset in the message where parsing stopped.
    public let offset: Int
    /// What was wrong, e.g. "expected ':' after object key".
    public let reason: String

    /// Creates the error; `offset` is a byte index into the message.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "reason at byte N", for logs and error messages.
    public var description: String { "\(reason) at byte \(offset)" }
}

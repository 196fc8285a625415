@testable import CometAPI
import Testing

@Suite("JSON reader")
struct JSONReaderTests {
    func parse(_ text: String) -> JSONValue? { JSONValue.parse(Array(text.utf8)) }

    @Test("values of every kind, integers exact beyond 2^53")
    func kinds() {
        let value = parse(#" {"a":[1,-2.5,true,false,null],"id":878106242831892487,"e":1e3,"s":"x"} "#)
        #expect(value == .object([
            "a": .array([.integer(1), .number(-2.5), .bool(true), .bool(false), .null]),
            "id": .integer(878_106_242_831_892_487), "e": .number(1000), "s": .string("x"),
        ]))
        #expect(parse("[]") == .array([]))
        #expect(parse("{}") == .object([:]))
    }

    @Test("string escapes, \\u escapes and surrogate pairs")
    func escapes() {
        #expect(parse(#""a\"b\\c\/d\n\t""#) == .string("a\"b\\c/d\n\t"))
        #expect(parse(#""\u00e9\ud83d\ude00""#) == .string("é😀"))
        #expect(parse(#""\ud83d""#) == .string("\u{FFFD}"))
        #expect(parse("\"héllo\"") == .string("héllo"))
    }

    @Test("malformed input is refused", arguments: [
        "", "{", "[1,]", #"{"a" 1}"#, #"{"a":1,}"#, "tru", "nul", "1 2", "\"open", "\"bad\\q\"", "-", "<html>", "{\"a\":1}x",
        "\"\u{01}\"",
    ])
    func malformed(text: String) {
        #expect(parse(text) == nil)
    }

    @Test("nesting deeper than 64 levels is refused instead of exhausting the stack")
    func depth() {
        #expect(parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) != nil)
        #expect(parse(String(repeating: "[", count: 100_000)) == nil)
    }
}

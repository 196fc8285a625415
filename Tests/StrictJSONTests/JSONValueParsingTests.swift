import Foundation
import StrictJSON
import Testing

/// The materialised value type: what the job contract echoes as `metadata` and the API client reads answers into.
@Suite("JSON values")
struct JSONValueParsingTests {
    private func parse(_ text: String) -> JSONValue? { try? JSONValue(parsing: Array(text.utf8)) }

    @Test("values of every kind, integers exact beyond 2^53")
    func kinds() {
        let value = parse(#" {"a":[1,-2.5,true,false,null],"id":878106242831892487,"e":1e3,"s":"x"} "#)
        #expect(value == .object([
            "a": .array([.integer(1), .double(-2.5), .bool(true), .bool(false), .null]),
            "id": .integer(878_106_242_831_892_487), "e": .integer(1000), "s": .string("x"),
        ]))
        #expect(parse("[]") == .array([]))
        #expect(parse("{}") == .object([:]))
        #expect(parse(#""héllo""#) == .string("héllo"))
    }

    @Test("a slice or other non-contiguous collection parses like an array of the same bytes")
    func collections() throws {
        let bytes = Array(#"xx{"k":[1,2]}yy"#.utf8)
        #expect(try JSONValue(parsing: bytes[2..<13]) == .object(["k": .array([.integer(1), .integer(2)])]))
        #expect(try JSONValue(parsing: Array(#"[true]"#.utf8).lazy.map { $0 }) == .array([.bool(true)]))
    }

    @Test("malformed input is refused", arguments: [
        "", "{", "[1,]", #"{"a" 1}"#, #"{"a":1,}"#, "tru", "nul", "1 2", "\"open", "\"bad\\q\"", "-", "<html>",
        "{\"a\":1}x", "\"\u{01}\"", "01", "1.", #""\ud83d""#,
    ])
    func malformed(text: String) {
        #expect(parse(text) == nil)
    }

    @Test("Codable: Int64 integers stay exact, doubles and nesting round-trip, sorted keys give stable bytes")
    func codable() throws {
        let value = JSONValue.object([
            "max": .integer(.max), "min": .integer(.min), "id": .integer(878_106_242_831_892_487), "d": .double(0.1),
            "s": .string("é \"q\""), "n": .null, "b": .bool(false), "l": .array([.integer(1), .object([:])]),
        ])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let bytes = try encoder.encode(value)
        #expect(String(decoding: bytes, as: UTF8.self)
            == #"{"b":false,"d":0.1,"id":878106242831892487,"l":[1,{}],"max":9223372036854775807,"min":-9223372036854775808,"n":null,"s":"é \"q\""}"#)
        #expect(try JSONDecoder().decode(JSONValue.self, from: bytes) == value)
        #expect(try JSONValue(parsing: Array(bytes)) == value)
    }
}

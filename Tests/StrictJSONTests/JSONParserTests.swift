import StrictJSON
import Testing

/// The strict parser on its own: every refusal is the right kind at the right byte, and what it accepts it reads
/// exactly. Documents are materialised in full (``JSONValue/init(parsing:invalidUnicode:)``), so string contents
/// are checked too.
@Suite("Strict JSON parser")
struct JSONParserTests {
    /// The refusal of `bytes`, or nil when they parse.
    private func refusal(_ bytes: [UInt8], _ policy: InvalidUnicodePolicy = .refuse) -> JSONSyntaxError? {
        do {
            _ = try JSONValue(parsing: bytes, invalidUnicode: policy)
            return nil
        } catch {
            return error
        }
    }

    private func refusal(_ text: String, _ policy: InvalidUnicodePolicy = .refuse) -> JSONSyntaxError? {
        refusal(Array(text.utf8), policy)
    }

    private func value(_ text: String, _ policy: InvalidUnicodePolicy = .refuse) throws -> JSONValue {
        try JSONValue(parsing: Array(text.utf8), invalidUnicode: policy)
    }

    // MARK: - Numbers

    @Test("numbers against RFC 8259's grammar are refused where they go wrong", arguments: [
        ("01", JSONSyntaxError.Kind.invalidNumber, 0), ("-01", .invalidNumber, 0), ("00", .invalidNumber, 0),
        ("[1,01]", .invalidNumber, 3), ("1.", .invalidNumber, 2), ("1.e5", .invalidNumber, 2), (".5", .unexpectedByte, 0),
        ("1e", .invalidNumber, 2), ("1e+", .invalidNumber, 3), ("1E-", .invalidNumber, 3), ("-", .invalidNumber, 1),
        ("-a", .invalidNumber, 1), ("+1", .unexpectedByte, 0), ("0x10", .trailingData, 1), ("NaN", .unexpectedByte, 0),
        ("Infinity", .unexpectedByte, 0), ("-Infinity", .invalidNumber, 1), ("1_000", .trailingData, 1),
    ])
    func malformedNumbers(text: String, kind: JSONSyntaxError.Kind, offset: Int) {
        let error = refusal(text)
        #expect(error?.kind == kind, "\(text): \(String(describing: error))")
        #expect(error?.offset == offset, "\(text): \(String(describing: error))")
    }

    @Test("numbers beyond a double's range are refused at their first byte")
    func outOfRange() {
        for (text, offset) in [("1e999", 0), ("-1e999", 0), ("[0,1e400]", 3), (String(repeating: "9", count: 400), 0)] {
            let error = refusal(text)
            #expect(error?.kind == .numberOutOfRange, "\(text)")
            #expect(error?.offset == offset, "\(text)")
        }
        #expect(refusal("1e999")?.description == "1e999 is beyond the range of a double at byte 0")
    }

    @Test("integers stay exact as Int64; integral doubles below 9e15 read as integers; the rest are doubles")
    func numberValues() throws {
        #expect(try value("9007199254740993") == .integer(9_007_199_254_740_993))  // 2^53 + 1
        #expect(try value("878106242831892487") == .integer(878_106_242_831_892_487))
        #expect(try value("9223372036854775807") == .integer(.max))
        #expect(try value("-9223372036854775808") == .integer(.min))
        #expect(try value("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try value("123456789012345678901234567890") == .double(1.2345678901234568e29))
        #expect(try value("-0") == .integer(0))
        #expect(try value("-0.0") == .integer(0))
        #expect(try value("1.0") == .integer(1))
        #expect(try value("1e3") == .integer(1000))
        #expect(try value("2.5E-1") == .double(0.25))
        #expect(try value("1.5e300") == .double(1.5e300))
        #expect(try value("-12.75") == .double(-12.75))
    }

    @Test("-0 keeps its sign in the parsed node, for callers that read the double")
    func negativeZero() throws {
        let node = try Array("-0".utf8).withUnsafeBytes { bytes throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
        guard case .number(let double, let integer) = node else {
            Issue.record("not a number: \(node)")
            return
        }
        #expect(double == 0 && double.sign == .minus && integer == 0)
    }

    // MARK: - Strings

    @Test("escapes and surrogate pairs resolve; upper- and lower-case hex both count")
    func escapes() throws {
        #expect(try value(#""a\"b\\c\/d\b\f\n\r\t""#) == .string("a\"b\\c/d\u{08}\u{0C}\n\r\t"))
        #expect(try value(#""\u00e9\u00C9\ud83d\ude00\uD83D\uDE00""#) == .string("éÉ😀😀"))
        #expect(try value(#""\u0000""#) == .string("\u{0}"))
        #expect(try value("\"caf\u{E9} \u{7F}\"") == .string("café \u{7F}"))
    }

    @Test("lone and mismatched surrogates are refused at their escape", arguments: [
        (#""\ud800""#, 1), (#""\udc00""#, 1), (#""\ud800\u0041""#, 1), (#""ab\udbff\udbff""#, 3),
        (#""\ude00\ud83d""#, 1), (#""\ud83d x""#, 1), (#"{"\ud800":1}"#, 2),
    ])
    func loneSurrogates(text: String, offset: Int) {
        let error = refusal(text)
        #expect(error?.kind == .loneSurrogate, "\(text)")
        #expect(error?.offset == offset, "\(text)")
    }

    @Test("under the replacing policy a lone surrogate becomes U+FFFD and what follows it is kept")
    func replacedSurrogates() throws {
        #expect(try value(#""\ud800""#, .replace) == .string("\u{FFFD}"))
        #expect(try value(#""\ud800\u0041""#, .replace) == .string("\u{FFFD}A"))
        #expect(try value(#""x\udc00y""#, .replace) == .string("x\u{FFFD}y"))
        #expect(try value(#""\ud83d\ude00\ud83d""#, .replace) == .string("😀\u{FFFD}"))
        #expect(refusal(#""\q""#, .replace)?.kind == .invalidEscape)
    }

    @Test("invalid escapes are refused at their backslash", arguments: [
        (#""\q""#, 1), (#""ab\x41""#, 3), (#""\U0041""#, 1), (#""\'""#, 1), (#""\u12""#, 1), (#""\u12G4""#, 1),
        (#""\u""#, 1), ("\"\\ \"", 1), (#"{"k\e":1}"#, 3),
    ])
    func invalidEscapes(text: String, offset: Int) {
        let error = refusal(text)
        #expect(error?.kind == .invalidEscape, "\(text)")
        #expect(error?.offset == offset, "\(text)")
    }

    @Test("raw control characters in strings are refused under both policies, with the escape to use")
    func controlCharacters() {
        // A plain string, one with an escape before the character, and an object key.
        for byte: UInt8 in [0x00, 0x01, 0x09, 0x0A, 0x0D, 0x1F] {
            for (prefix, suffix) in [(#"""#, #"""#), (#"["\n"#, #""]"#), (#"{""#, #"":1}"#)] {
                let bytes = Array(prefix.utf8) + [byte] + Array(suffix.utf8)
                for policy in [InvalidUnicodePolicy.refuse, .replace] {
                    let error = refusal(bytes, policy)
                    #expect(error?.kind == .controlCharacter, "\(prefix) \(byte)")
                    #expect(error?.offset == prefix.utf8.count, "\(prefix) \(byte)")
                }
            }
        }
        #expect(refusal([0x22, 0x01, 0x22])?.reason == #"raw control character U+0001 in a string (escape it as \u0001)"#)
    }

    @Test("bytes that are not UTF-8 are refused at the first bad byte", arguments: [
        ([0x22, 0xFF, 0x22], 1), ([0x22, 0x61, 0xC3, 0x22], 2), ([0x22, 0xC0, 0xAF, 0x22], 1),
        ([0x22, 0xED, 0xA0, 0x80, 0x22], 1), ([0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], 1),
        ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1), ([0x22, 0x5C, 0x6E, 0x80, 0x22], 3),
        ([0x7B, 0x22, 0x6B, 0xFE, 0x22, 0x3A, 0x31, 0x7D], 3),
    ] as [([UInt8], Int)])
    func invalidUTF8(bytes: [UInt8], offset: Int) {
        let error = refusal(bytes)
        #expect(error?.kind == .invalidUTF8, "\(bytes)")
        #expect(error?.offset == offset, "\(bytes)")
    }

    @Test("under the replacing policy invalid UTF-8 becomes U+FFFD; valid four-byte UTF-8 is read under both")
    func replacedUTF8() throws {
        #expect(try JSONValue(parsing: [0x22, 0x61, 0xFF, 0x62, 0x22], invalidUnicode: .replace) == .string("a\u{FFFD}b"))
        #expect(try JSONValue(parsing: [0x22, 0x5C, 0x6E, 0xC3, 0x22], invalidUnicode: .replace) == .string("\n\u{FFFD}"))
        #expect(try JSONValue(parsing: [0x22, 0xF0, 0x9F, 0x98, 0x80, 0x22]) == .string("😀"))
    }

    @Test("strings without their closing quote are refused at their opening quote")
    func unterminatedStrings() {
        for (text, offset) in [(#""abc"#, 0), (#""abc\""#, 0), (#"["a","b"#, 5), (#"{"key"#, 1), ("\"", 0)] {
            let error = refusal(text)
            #expect(error?.kind == .unterminatedString, "\(text)")
            #expect(error?.offset == offset, "\(text)")
        }
    }

    // MARK: - Structure

    @Test("duplicate keys are all kept in the node, in document order; the value keeps the last")
    func duplicateKeys() throws {
        let text = #"{"a":1,"b":2,"a":3}"#
        let node = try Array(text.utf8).withUnsafeBytes { bytes throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
        guard case .object(let members) = node else {
            Issue.record("not an object: \(node)")
            return
        }
        #expect(members.map(\.key) == ["a", "b", "a"])
        #expect(try value(text) == .object(["a": .integer(3), "b": .integer(2)]))
    }

    @Test("nesting up to 64 levels is read; the 65th is refused at its bracket, however deep the input goes")
    func depth() throws {
        let deepest = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(refusal(deepest) == nil)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(refusal(tooDeep)?.kind == .tooDeep)
        #expect(refusal(tooDeep)?.offset == 64)
        let objects = String(repeating: #"{"a":"#, count: 65) + "1" + String(repeating: "}", count: 65)
        #expect(refusal(objects)?.kind == .tooDeep)
        #expect(refusal(objects)?.offset == 64 * 5)
        let mixed = String(repeating: #"[{"a":"#, count: 32) + "1" + String(repeating: "}]", count: 32)
        #expect(refusal(mixed) == nil)
        #expect(refusal(String(repeating: "[", count: 100_000))?.kind == .tooDeep)
    }

    @Test("anything but whitespace after the value is refused where it starts", arguments: [
        (#"{"a":1}x"#, 7), ("1 2", 2), ("[] []", 3), ("{}}", 2), ("null,", 4), ("\"a\"\"b\"", 3), ("true false", 5),
    ])
    func trailingData(text: String, offset: Int) {
        let error = refusal(text)
        #expect(error?.kind == .trailingData, "\(text)")
        #expect(error?.offset == offset, "\(text)")
    }

    @Test("empty and blank input is an unexpected end at its end")
    func emptyInput() {
        #expect(refusal("") == JSONSyntaxError(.unexpectedEnd, at: 0, "expected a JSON value, found the end"))
        #expect(refusal(" \n\t\r")?.kind == .unexpectedEnd)
        #expect(refusal(" \n\t\r")?.offset == 4)
    }

    @Test("a byte order mark is refused: RFC 8259 forbids sending one")
    func byteOrderMark() {
        let error = refusal([0xEF, 0xBB, 0xBF, 0x7B, 0x7D])
        #expect(error?.kind == .unexpectedByte)
        #expect(error?.offset == 0)
        #expect(error?.reason == "expected a JSON value, found byte 0xEF")
    }

    @Test("space, tab, line feed and carriage return separate tokens; no other whitespace does")
    func whitespace() throws {
        #expect(try value(" \t\n\r{ \"a\" \t:\n[ 1 ,\r2 ] } \r\n") == .object(["a": .array([.integer(1), .integer(2)])]))
        // Form feed, vertical tab, no-break space, line separator.
        let refused: [([UInt8], JSONSyntaxError.Kind, Int)] = [
            ([0x0C, 0x31], .unexpectedByte, 0), ([0x5B, 0x0B, 0x31, 0x5D], .unexpectedByte, 1),
            ([0xC2, 0xA0, 0x31], .unexpectedByte, 0), ([0x31, 0xE2, 0x80, 0xA8], .trailingData, 1),
        ]
        for (bytes, kind, offset) in refused {
            let error = refusal(bytes)
            #expect(error?.kind == kind, "\(bytes)")
            #expect(error?.offset == offset, "\(bytes)")
        }
    }

    @Test("structural mistakes name what was expected and what was found", arguments: [
        ("[1,]", JSONSyntaxError.Kind.unexpectedByte, 3, "expected a JSON value, found ']'"),
        (#"{"a":1,}"#, .unexpectedByte, 7, "expected a string key, found '}'"),
        (#"{"a" 1}"#, .unexpectedByte, 5, "expected ':' after an object key, found '1'"),
        ("{a:1}", .unexpectedByte, 1, "expected a string key, found 'a'"),
        ("[1 2]", .unexpectedByte, 3, "expected ',' or ']' in an array, found '2'"),
        (#"{"a":1 "b":2}"#, .unexpectedByte, 7, "expected ',' or '}' in an object, found '\"'"),
        ("[", .unexpectedEnd, 1, "expected a JSON value, found the end"),
        (#"{"a":"#, .unexpectedEnd, 5, "expected a JSON value, found the end"),
        ("[1", .unexpectedEnd, 2, "expected ',' or ']' in an array, found the end"),
        ("tru", .invalidLiteral, 0, "expected 'true'"),
        ("nul", .invalidLiteral, 0, "expected 'null'"),
        ("[fals]", .invalidLiteral, 1, "expected 'false'"),
        ("/* c */ 1", .unexpectedByte, 0, "expected a JSON value, found '/'"),
        ("<html>", .unexpectedByte, 0, "expected a JSON value, found '<'"),
    ])
    func structure(text: String, kind: JSONSyntaxError.Kind, offset: Int, reason: String) {
        #expect(refusal(text) == JSONSyntaxError(kind, at: offset, reason))
    }

    @Test("every refusal says what and where in its description")
    func descriptions() {
        #expect(refusal("[1,01]")?.description == "a number may not start with a leading zero at byte 3")
        #expect(refusal(#""\ud800x""#)?.description == #"the surrogate \ud800 is not followed by a low surrogate at byte 1"#)
        #expect(refusal(#""\q""#)?.description
            == #"\q is not an escape (use \" \\ \/ \b \f \n \r \t or \uXXXX) at byte 1"#)
        #expect(refusal([0x22, 0xFF, 0x22])?.description == "byte 0xFF does not continue or start UTF-8 text at byte 1")
        #expect(refusal(String(repeating: "[", count: 65) + "]")?.description == "nesting deeper than 64 at byte 64")
    }

    // MARK: - Spans

    @Test("strings are spans into the bytes: a large one is found without copying, escapes are flagged")
    func spans() throws {
        let payload = String(repeating: "QUJD", count: 250_000)
        let text = #"{"image":""# + payload + #"","note":"a\nb"}"#
        let node = try Array(text.utf8).withUnsafeBytes { bytes throws(JSONSyntaxError) in try JSONParser.parse(bytes) }
        guard case .object(let members) = node, case .string(let image) = members[0].value,
              case .string(let note) = members[1].value else {
            Issue.record("unexpected shape")
            return
        }
        #expect(image.start == 10 && image.byteCount == 1_000_000 && !image.hasEscapes)
        #expect(note.hasEscapes && note.byteCount == 4)
        let materialised = try Array(text.utf8).withUnsafeBytes { bytes throws(JSONSyntaxError) in
            try JSONParser.string(note, in: bytes)
        }
        #expect(materialised == "a\nb")
    }
}

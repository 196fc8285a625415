import StrictJSON

/// What the JSON fuzz target checks on every input, beyond "no crash":
///
/// - a refusal names an offset inside the input (`0...count`), and the structural parse and the full
///   materialisation agree on whether the input is JSON (a string error only ever comes from a string);
/// - every string span of an accepted document lies inside the input, between two quote bytes;
/// - nesting never exceeds ``JSONParser/maximumDepth``;
/// - under ``InvalidUnicodePolicy/replace`` an accepted structure fails only for escapes and control characters,
///   never for Unicode;
/// - an accepted value, written by ``CanonicalJSONWriter`` and parsed again, is equal to itself, and writing it again
///   gives the same bytes.
public enum JSONRoundTripProperty {
    /// The violations of the properties above for `bytes`; empty when all hold.
    public static func violations(_ bytes: UnsafeRawBufferPointer) -> [String] {
        var found: [String] = []
        let node: JSONNode
        do {
            node = try JSONParser.parse(bytes)
        } catch {
            if !(0...bytes.count).contains(error.offset) {
                found.append("refusal offset \(error.offset) outside 0...\(bytes.count): \(error)")
            }
            return found
        }
        checkSpans(node, in: bytes, depth: 0, found: &found)
        let value: JSONValue
        do {
            value = try JSONValue(node, in: bytes)
        } catch {
            if !(0..<max(bytes.count, 1)).contains(error.offset) {
                found.append("string refusal offset \(error.offset) outside the input of \(bytes.count) bytes")
            }
            let stringKinds: [JSONSyntaxError.Kind] = [.controlCharacter, .invalidEscape, .loneSurrogate, .invalidUTF8]
            if !stringKinds.contains(error.kind) {
                found.append("materialising an accepted structure failed with a non-string error: \(error)")
            }
            do {
                _ = try JSONValue(node, in: bytes, invalidUnicode: .replace)
            } catch let replaced {
                if replaced.kind == .loneSurrogate || replaced.kind == .invalidUTF8 {
                    found.append("invalid Unicode refused under the replace policy: \(replaced)")
                }
            }
            return found
        }
        let written = CanonicalJSONWriter.write(value)
        do {
            let reparsed = try JSONValue(parsing: written)
            if reparsed != value {
                found.append("the canonical output \(excerpt(written)) parses to a different value")
            } else if CanonicalJSONWriter.write(reparsed) != written {
                found.append("writing the reparsed value gives different bytes than \(excerpt(written))")
            }
        } catch {
            found.append("the parser refuses its own value written canonically (\(excerpt(written))): \(error)")
        }
        return found
    }

    private static func checkSpans(_ node: JSONNode, in bytes: UnsafeRawBufferPointer, depth: Int, found: inout [String]) {
        switch node {
        case .string(let span):
            guard span.start >= 1, span.start <= span.end, span.end < bytes.count,
                  bytes[span.start - 1] == 0x22, bytes[span.end] == 0x22
            else {
                found.append("string span \(span.start)..<\(span.end) is not between quotes in \(bytes.count) bytes")
                return
            }
        case .array(let elements):
            if depth + 1 > JSONParser.maximumDepth { found.append("accepted nesting deeper than \(JSONParser.maximumDepth)") }
            for element in elements { checkSpans(element, in: bytes, depth: depth + 1, found: &found) }
        case .object(let members):
            if depth + 1 > JSONParser.maximumDepth { found.append("accepted nesting deeper than \(JSONParser.maximumDepth)") }
            for member in members { checkSpans(member.value, in: bytes, depth: depth + 1, found: &found) }
        case .null, .bool, .number:
            break
        }
    }

    private static func excerpt(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(120), as: UTF8.self)
        return bytes.count > 120 ? "'\(text)…' (\(bytes.count) bytes)" : "'\(text)'"
    }
}

import StrictJSON

/// Sorts the string of an `image` or `sound_file` field into a URL, a `data:` URL or raw base64, as the schema's
/// `anyOf` does, without copying megabytes of base64 out of the message.
struct MediaTextReader {
    let limits: ValidationLimits

    /// A URL's scheme ends within this many bytes; a ':' later than that cannot start a URL, and the base64 decoder
    /// will refuse it as a non-base64 character.
    static let schemeSearchWindow = 16

    func read(
        _ span: JSONStringSpan, field: String, bytes: UnsafeRawBufferPointer, message: [UInt8], into draft: inout JobDraft
    ) -> MediaInput? {
        let text: ArraySlice<UInt8>
        if span.hasEscapes {
            do {
                text = ArraySlice(Array(try JSONParser.string(span, in: bytes).utf8))
            } catch {
                draft.errors.append(JobValidationError(code: .notJSON, field: field, message: "not valid JSON text: \(error)"))
                return nil
            }
        } else {
            text = message[span.start..<span.end]
        }
        if text.starts(with: "data:".utf8) {
            return readDataURL(text, field: field, into: &draft)
        }
        if text.prefix(Self.schemeSearchWindow).contains(UInt8(ascii: ":")) {
            guard let url = String(validating: text, as: UTF8.self), !text.contains(where: { $0 < 0x20 }) else {
                draft.errors.append(JobValidationError(code: .notJSON, field: field, message: "string has invalid UTF-8 or control characters"))
                return nil
            }
            if let error = URLSyntax.check(url, field: field, limits: limits) {
                draft.errors.append(error)
                return nil
            }
            return .url(url)
        }
        return .inline(Base64Text(bytes: text), strippedPrefix: nil)
    }

    /// `data:<type>/<subtype>(;<attribute>=<value>)*;base64,<base64>`, the form the schema's pattern allows.
    private func readDataURL(_ text: ArraySlice<UInt8>, field: String, into draft: inout JobDraft) -> MediaInput? {
        let headerWindow = text.prefix(256)
        guard let comma = headerWindow.firstIndex(of: UInt8(ascii: ",")),
              Self.isValidDataURLHeader(text[(text.startIndex + 5)..<comma])
        else {
            draft.errors.append(JobValidationError(
                code: .invalidDataURL, field: field,
                message: "a data: URL must look like data:image/png;base64,<base64>",
                limit: "data:<type>/<subtype>[;attribute=value]*;base64,",
                valueSeen: String(decoding: headerWindow.prefix(40), as: UTF8.self)))
            return nil
        }
        let prefix = String(decoding: text[text.startIndex...comma], as: UTF8.self)
        draft.notes.append(.dataURLPrefixStripped(field: field, prefix: prefix))
        return .inline(Base64Text(bytes: text[(comma + 1)...]), strippedPrefix: prefix)
    }

    /// Checks `<type>/<subtype>(;attr=value)*;base64` (the part between `data:` and the comma).
    static func isValidDataURLHeader(_ header: ArraySlice<UInt8>) -> Bool {
        let parts = header.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.last.map(Array.init) == Array("base64".utf8) else { return false }
        let mediaType = parts[0].split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        guard mediaType.count == 2, mediaType.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isTokenByte) }) else { return false }
        for parameter in parts.dropFirst().dropLast() {
            let pair = parameter.split(separator: UInt8(ascii: "="), omittingEmptySubsequences: false)
            guard pair.count == 2, pair.allSatisfy({ !$0.isEmpty && $0.allSatisfy(isTokenByte) }) else { return false }
        }
        return true
    }

    /// Characters of `[A-Za-z0-9!#$&^_.+-]`, the token set the schema's data-URL pattern uses.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        // A-Z a-z 0-9 ! # $ & ^ _ . + -
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x21, 0x23, 0x24, 0x26, 0x5E, 0x5F, 0x2E, 0x2B, 0x2D: true
        default: false
        }
    }
}

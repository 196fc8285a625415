/// Strict RFC 4648 §4 base64 (standard alphabet, `=` padding, no line breaks or whitespace): the form the Kling API
/// takes and the job schema's pattern describes.
///
/// Written for throughput over raw bytes: a 1 MB image is decoded straight from the message buffer, four input
/// bytes per step through a 256-entry table.
public enum Base64Decoder {
    /// Why a base64 text was refused.
    public struct Failure: Error, Sendable, Equatable {
        /// Byte offset of the first offending character (or the text length when it is the length that is wrong).
        public let offset: Int
        /// What was wrong.
        public let reason: String
    }

    private static let table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, byte) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() {
            table[Int(byte)] = UInt8(index)
        }
        return table
    }()

    /// Bytes the text decodes to, computed from its length and padding alone (for size limits before decoding).
    public static func decodedLength(of text: UnsafeRawBufferPointer) -> Int {
        guard text.count >= 4, text.count % 4 == 0 else { return text.count / 4 * 3 }
        var padding = 0
        if text[text.count - 1] == UInt8(ascii: "=") { padding += 1 }
        if text[text.count - 2] == UInt8(ascii: "=") { padding += 1 }
        return text.count / 4 * 3 - padding
    }

    /// Decodes `text`, or reports the first character or length problem.
    public static func decode(_ text: UnsafeRawBufferPointer) throws(Failure) -> [UInt8] {
        let count = text.count
        guard count > 0 else { throw Failure(offset: 0, reason: "empty") }
        guard count % 4 == 0 else { throw Failure(offset: count, reason: "length \(count) is not a multiple of 4") }
        let outputCount = decodedLength(of: text)
        var failure: Failure?
        let output = table.withUnsafeBufferPointer { table in
            [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
                let input = text.bindMemory(to: UInt8.self)
                let fullQuads = count / 4 - 1
                var out = 0
                var invalid: UInt8 = 0
                for quad in 0..<fullQuads {
                    let index = quad * 4
                    let a = table[Int(input[index])], b = table[Int(input[index + 1])]
                    let c = table[Int(input[index + 2])], d = table[Int(input[index + 3])]
                    invalid |= a | b | c | d
                    let word = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                    buffer[out] = UInt8(truncatingIfNeeded: word >> 16)
                    buffer[out + 1] = UInt8(truncatingIfNeeded: word >> 8)
                    buffer[out + 2] = UInt8(truncatingIfNeeded: word)
                    out += 3
                }
                if invalid & 0xC0 != 0 {
                    failure = firstInvalid(input, table: table, below: fullQuads * 4)
                    initialized = 0
                    return
                }
                let last = fullQuads * 4
                let padding = 3 - (outputCount - out)
                var values: [UInt8] = []
                for index in last..<(count - padding) {
                    let value = table[Int(input[index])]
                    if value == 0xFF {
                        failure = Failure(offset: index, reason: "character \(describe(input[index])) is not base64")
                        initialized = 0
                        return
                    }
                    values.append(value)
                }
                var word: UInt32 = 0
                for value in values { word = word << 6 | UInt32(value) }
                word <<= UInt32(6 * (4 - values.count))
                for index in 0..<(3 - padding) {
                    buffer[out + index] = UInt8(truncatingIfNeeded: word >> UInt32(16 - 8 * index))
                }
                initialized = outputCount
            }
        }
        if let failure { throw failure }
        return output
    }

    private static func firstInvalid(_ input: UnsafeBufferPointer<UInt8>, table: UnsafeBufferPointer<UInt8>, below end: Int) -> Failure {
        for index in 0..<end where table[Int(input[index])] == 0xFF {
            let byte = input[index]
            return Failure(offset: index, reason: byte == UInt8(ascii: "=")
                ? "padding '=' before the end" : "character \(describe(byte)) is not base64")
        }
        return Failure(offset: end, reason: "invalid base64")
    }

    private static func describe(_ byte: UInt8) -> String {
        (0x21...0x7E).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "0x\(String(byte, radix: 16))"
    }
}

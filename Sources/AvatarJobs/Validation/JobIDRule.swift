/// The syntax shared by `job_id` and `external_task_id`: characters of `[A-Za-z0-9._:-]`, bounded length.
///
/// Both end up in Kafka keys, URLs and log lines, so the set is kept to characters that need no escaping anywhere.
public enum JobIDRule {
    /// The allowed bytes (ASCII letters, digits, `.`, `_`, `:`, `-`).
    public static let allowedBytes: Set<UInt8> = Set(
        Array(UInt8(ascii: "A")...UInt8(ascii: "Z")) + Array(UInt8(ascii: "a")...UInt8(ascii: "z"))
            + Array(UInt8(ascii: "0")...UInt8(ascii: "9")) + [0x2E, 0x5F, 0x3A, 0x2D]
    )

    /// Longest `job_id`.
    public static let maximumJobIDLength = 128

    /// Whether `text` is 1…`maximumLength` characters, all in the allowed set.
    public static func isValid(_ text: String, maximumLength: Int) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maximumLength else { return false }
        return utf8.allSatisfy(isAllowed)
    }

    /// Whether one byte is in the allowed set, without hashing (this runs for every job).
    @inline(__always)
    static func isAllowed(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A, 0x2E, 0x5F, 0x3A, 0x2D: true
        default: false
        }
    }
}

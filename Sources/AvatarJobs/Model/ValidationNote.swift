/// Something the validator changed or noticed without refusing the job (e.g. a removed `data:` prefix); carried into
/// the ledger record and the result event so the caller learns about it.
public struct ValidationNote: Sendable, Hashable, Codable {
    /// Stable code, e.g. `media.data_url_prefix_stripped`.
    public let code: String
    /// JSON path of the field concerned.
    public let field: String
    /// A sentence for a person.
    public let message: String

    /// Creates a note.
    public init(code: String, field: String, message: String) {
        self.code = code
        self.field = field
        self.message = message
    }

    /// The note for a removed `data:` prefix on `field`.
    public static func dataURLPrefixStripped(field: String, prefix: String) -> ValidationNote {
        ValidationNote(
            code: "media.data_url_prefix_stripped", field: field,
            message: "removed the prefix '\(prefix)'; the API takes raw base64 only"
        )
    }
}

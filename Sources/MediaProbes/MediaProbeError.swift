/// Why a probe could not read a media file. Every probe ends in a result or one of these, in time linear in the
/// input at worst.
public struct MediaProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad reason; maps one-to-one onto a validation code.
    public let kind: Kind
    /// What exactly was wrong, e.g. "IHDR width 0" or "ADTS frame at byte 8192 runs past the end".
    public let detail: String

    /// Creates an error of `kind` with a human-readable `detail`.
    public init(_ kind: Kind, _ detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// "kind: detail".
    public var description: String { "\(kind.name): \(detail)" }

    /// The broad reasons, as static members so more can be added without breaking callers.
    public struct Kind: Sendable, Hashable {
        /// Short name used in descriptions.
        public let name: String
        /// The bytes end before a structure they declare.
        public static let truncated = Kind(name: "truncated")
        /// The structures contradict themselves or the format.
        public static let corrupt = Kind(name: "corrupt")
        /// The bytes are not one of the formats this probe accepts.
        public static let unsupportedFormat = Kind(name: "unsupported format")
    }

    static func truncated(_ detail: String) -> MediaProbeError { MediaProbeError(.truncated, detail) }
    static func corrupt(_ detail: String) -> MediaProbeError { MediaProbeError(.corrupt, detail) }
    static func unsupported(_ detail: String) -> MediaProbeError { MediaProbeError(.unsupportedFormat, detail) }
}

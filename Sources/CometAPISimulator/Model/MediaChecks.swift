/// Content checks the simulator runs on decoded (base64) media, like the real API's "content is validated".
///
/// A seam: each check gets the bytes and returns a problem sentence or `nil`. ``sizeOnly`` checks nothing beyond the
/// size limits that the validator applies anyway; the job contract's media probes plug in here when available.
public struct MediaChecks: Sendable {
    /// Checks a decoded portrait (jpg/jpeg/png, each side ≥ 300 px, aspect 1:2.5–2.5:1 at the real API).
    public var image: @Sendable ([UInt8]) -> String?
    /// Checks a decoded sound file (mp3/wav/m4a/aac, 2–60 s through CometAPI).
    public var audio: @Sendable ([UInt8]) -> String?

    /// Checks built from two closures.
    public init(image: @escaping @Sendable ([UInt8]) -> String?, audio: @escaping @Sendable ([UInt8]) -> String?) {
        self.image = image
        self.audio = audio
    }

    /// No content checks beyond size and base64 validity.
    public static let sizeOnly = MediaChecks(image: { _ in nil }, audio: { _ in nil })
}

import AvatarJobs

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

    /// The real API's content rules, read with the job contract's probes: jpg/png with each side at least
    /// `limits.minimumImageSide` px and an aspect within 1:`maximumAspectRatio`; mp3/wav/m4a/aac lasting
    /// `minimumAudioSeconds`…`maximumAudioSeconds` (2–60 s through CometAPI by default).
    public static func probing(_ limits: ValidationLimits = ValidationLimits()) -> MediaChecks {
        MediaChecks(
            image: { bytes in
                let info: ImageInfo
                do { info = try ImageProbe.probe(bytes) } catch { return "not a readable JPEG or PNG (\(error))" }
                let short = min(info.width, info.height)
                let long = max(info.width, info.height)
                if short < limits.minimumImageSide {
                    return "\(info.width)x\(info.height) px; each side must be at least \(limits.minimumImageSide) px"
                }
                if Double(long) / Double(short) > limits.maximumAspectRatio {
                    return "aspect \(info.width):\(info.height) is outside 1:\(limits.maximumAspectRatio)–\(limits.maximumAspectRatio):1"
                }
                return nil
            },
            audio: { bytes in
                let info: AudioInfo
                do { info = try AudioProbe.probe(bytes) } catch { return "not readable mp3/wav/m4a/aac audio (\(error))" }
                guard (limits.minimumAudioSeconds...limits.maximumAudioSeconds).contains(info.durationSeconds) else {
                    return String(format: "lasts %.2f s; must last %.0f–%.0f s", info.durationSeconds, limits.minimumAudioSeconds, limits.maximumAudioSeconds)
                }
                return nil
            }
        )
    }
}

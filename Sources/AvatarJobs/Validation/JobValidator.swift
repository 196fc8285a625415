import Foundation
import StrictJSON

/// Checks a job message against the contract — the `avatar-job.v1` schema plus what only the bytes can tell (image
/// format and size, audio format and duration) — and reports every problem at once.
///
/// Value type, no shared state: one validator may be used from any number of tasks. Validation of a URL job costs
/// a parse and a few string checks; inline media costs one base64 decode plus a header probe.
public struct JobValidator: Sendable {
    /// The bounds applied.
    public var limits: ValidationLimits

    /// A validator with the given limits (the published schema's by default).
    public init(limits: ValidationLimits = ValidationLimits()) {
        self.limits = limits
    }

    /// Validates one job message: the structural rules, then inline media content.
    public func validate(_ message: [UInt8]) -> Result<ValidatedJob, JobValidationFailure> {
        var draft = JobReader(limits: limits).read(message)
        var imageInfo: ImageInfo?
        var audioInfo: AudioInfo?
        if case .inline(let text, _)? = draft.image {
            imageInfo = checkInlineImage(text, field: "$.image", errors: &draft.errors)
        }
        if case .inline(let text, _)? = draft.soundFile {
            audioInfo = checkInlineAudio(text, field: "$.sound_file", errors: &draft.errors)
        }
        guard let job = draft.job else {
            return .failure(JobValidationFailure(jobID: draft.jobID, errors: draft.errors))
        }
        return .success(ValidatedJob(
            job: job, imageInfo: imageInfo, audioInfo: audioInfo,
            deadlineSeconds: job.deadlineSeconds ?? limits.defaultDeadlineSeconds, notes: draft.notes))
    }

    /// Validates a message held in `Data`.
    public func validate(_ message: Data) -> Result<ValidatedJob, JobValidationFailure> {
        validate([UInt8](message))
    }

    /// Reads the message against the schema's structural rules only: inline base64 is located but neither decoded
    /// nor probed. For tools that need the fields, not the verdict; the worker uses ``validate(_:)-swift.method``.
    public func decode(_ message: [UInt8]) -> Result<AvatarJob, JobValidationFailure> {
        let draft = JobReader(limits: limits).read(message)
        guard let job = draft.job else {
            return .failure(JobValidationFailure(jobID: draft.jobID, errors: draft.errors))
        }
        return .success(job)
    }

    /// Decodes and probes an inline image, appending any errors; returns the probe result when it could be read.
    func checkInlineImage(_ text: Base64Text, field: String, errors: inout [JobValidationError]) -> ImageInfo? {
        decodeInline(text, field: field, maximumBytes: limits.maximumImageBytes, tooLarge: .imageTooLarge, errors: &errors)
            .flatMap { checkImageContent($0, field: field, errors: &errors) }
    }

    /// Decodes and probes an inline sound file, appending any errors; returns the probe result when readable.
    func checkInlineAudio(_ text: Base64Text, field: String, errors: inout [JobValidationError]) -> AudioInfo? {
        decodeInline(text, field: field, maximumBytes: limits.maximumAudioBytes, tooLarge: .audioTooLarge, errors: &errors)
            .flatMap { checkAudioContent($0, field: field, errors: &errors) }
    }

    /// Probes image bytes (inline or fetched) and applies the image rules, appending any errors.
    func checkImageContent(_ bytes: [UInt8], field: String, errors: inout [JobValidationError]) -> ImageInfo? {
        checkContent(bytes, field: field, probe: ImageProbe.probe, rules: checkImage, unsupported: .imageUnsupportedFormat, errors: &errors)
    }

    /// Probes audio bytes (inline or fetched) and applies the audio rules, appending any errors.
    func checkAudioContent(_ bytes: [UInt8], field: String, errors: inout [JobValidationError]) -> AudioInfo? {
        checkContent(bytes, field: field, probe: AudioProbe.probe, rules: checkAudio, unsupported: .audioUnsupportedFormat, errors: &errors)
    }

    private func checkContent<Info>(
        _ bytes: [UInt8], field: String, probe: ([UInt8]) throws(MediaProbeError) -> Info,
        rules: (Info, String) -> [JobValidationError], unsupported: JobValidationError.Code, errors: inout [JobValidationError]
    ) -> Info? {
        do {
            let info = try probe(bytes)
            errors += rules(info, field)
            return info
        } catch {
            errors.append(Self.error(for: error, field: field, unsupported: unsupported))
            return nil
        }
    }

    private func decodeInline(
        _ text: Base64Text, field: String, maximumBytes: Int, tooLarge: JobValidationError.Code,
        errors: inout [JobValidationError]
    ) -> [UInt8]? {
        text.bytes.withUnsafeBytes { buffer -> [UInt8]? in
            let size = Base64Decoder.decodedLength(of: buffer)
            guard size <= maximumBytes else {
                errors.append(JobValidationError(
                    code: tooLarge, field: field, message: "the decoded file is larger than allowed",
                    limit: "\(maximumBytes) bytes", valueSeen: "\(size) bytes"))
                return nil
            }
            do throws(Base64Decoder.Failure) {
                return try Base64Decoder.decode(buffer)
            } catch {
                errors.append(JobValidationError(
                    code: .invalidBase64, field: field,
                    message: "not a URL and not valid base64: \(error.reason) (at character \(error.offset))",
                    limit: "RFC 4648 base64 with '=' padding, no line breaks"))
                return nil
            }
        }
    }

    /// The image rules that need the probe: minimum side and aspect ratio.
    public func checkImage(_ info: ImageInfo, field: String) -> [JobValidationError] {
        var errors: [JobValidationError] = []
        let size = "\(info.width)x\(info.height) px"
        if min(info.width, info.height) < limits.minimumImageSide {
            errors.append(JobValidationError(
                code: .imageTooSmall, field: field, message: "each side must be at least \(limits.minimumImageSide) px",
                limit: "\(limits.minimumImageSide) px", valueSeen: size))
        }
        let ratio = Double(max(info.width, info.height)) / Double(min(info.width, info.height))
        if ratio > limits.maximumAspectRatio {
            errors.append(JobValidationError(
                code: .imageAspectRatio, field: field,
                message: "aspect ratio must be within 1:\(limits.maximumAspectRatio) … \(limits.maximumAspectRatio):1",
                limit: "1:\(limits.maximumAspectRatio) … \(limits.maximumAspectRatio):1", valueSeen: size))
        }
        return errors
    }

    /// The audio rule that needs the probe: the duration window.
    public func checkAudio(_ info: AudioInfo, field: String) -> [JobValidationError] {
        guard info.durationSeconds < limits.minimumAudioSeconds || info.durationSeconds > limits.maximumAudioSeconds else {
            return []
        }
        let seen = (info.durationSeconds * 1000).rounded() / 1000
        return [JobValidationError(
            code: .audioDuration, field: field,
            message: "audio must last \(limits.minimumAudioSeconds)–\(limits.maximumAudioSeconds) s",
            limit: "\(limits.minimumAudioSeconds)…\(limits.maximumAudioSeconds) s", valueSeen: "\(seen) s")]
    }

    /// Maps a probe error onto the validation codes.
    static func error(for error: MediaProbeError, field: String, unsupported: JobValidationError.Code) -> JobValidationError {
        let code: JobValidationError.Code = switch error.kind {
        case .truncated: .mediaTruncated
        case .unsupportedFormat: unsupported
        default: .mediaCorrupt
        }
        return JobValidationError(code: code, field: field, message: error.detail)
    }
}

/// Splits a file handed to `avatar-worker validate` (or a test corpus) into job messages: the whole input when it is
/// one JSON document (possibly pretty-printed over many lines), else one message per non-blank line (JSON lines).
extension JobValidator {
    /// The messages in `input`, in order; blank lines are skipped.
    public static func messages(in input: [UInt8]) -> [[UInt8]] {
        let isSingleDocument = input.withUnsafeBytes { bytes in (try? JSONParser.parse(bytes)) != nil }
        if isSingleDocument { return [input] }
        return input.split(separator: 0x0A, omittingEmptySubsequences: true)
            .map { line in Array(line.last == 0x0D ? line.dropLast() : line) }
            .filter { line in line.contains { ![0x20, 0x09].contains($0) } }
    }
}

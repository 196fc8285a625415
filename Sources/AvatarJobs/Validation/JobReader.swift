import Foundation
import StrictJSON

/// Reads a job message against the `avatar-job.v1` schema: types, required fields, syntax rules and unknown or
/// duplicate fields, collecting every error with its JSON path. Inline media is located but not decoded here.
struct JobReader {
    let limits: ValidationLimits

    /// Reads `message`; the draft's `errors` hold everything the schema would reject (and a few things only Swift
    /// sees, like duplicate keys).
    func read(_ message: [UInt8]) -> JobDraft {
        var draft = JobDraft()
        guard message.count <= limits.maximumMessageBytes else {
            draft.errors.append(JobValidationError(
                code: .messageTooLarge, field: "$", message: "the message is larger than allowed",
                limit: "\(limits.maximumMessageBytes) bytes", valueSeen: "\(message.count) bytes"))
            return draft
        }
        message.withUnsafeBytes { bytes in
            let root: JSONNode
            do {
                root = try JSONParser.parse(bytes)
            } catch {
                draft.errors.append(JobValidationError(code: .notJSON, field: "$", message: "not valid JSON: \(error)"))
                return
            }
            guard case .object(let members) = root else {
                draft.errors.append(JobValidationError(
                    code: .notObject, field: "$", message: "a job must be a JSON object", valueSeen: root.typeName))
                return
            }
            var seen = KeySet()
            for member in members {
                let field = "$.\(member.key)"
                guard seen.insert(member.key) else {
                    draft.errors.append(JobValidationError(
                        code: .duplicateField, field: field, message: "'\(member.key)' appears more than once"))
                    continue
                }
                readField(member, field: field, bytes: bytes, message: message, into: &draft)
            }
            if draft.jobID == nil, !seen.contains("job_id") {
                draft.errors.append(JobValidationError(code: .jobIDMissing, field: "$.job_id", message: "job_id is required"))
            }
            if !draft.sawImage {
                draft.errors.append(JobValidationError(code: .imageMissing, field: "$.image", message: "image is required"))
            }
            if !draft.sawAudioID, !draft.sawSoundFile {
                draft.errors.append(JobValidationError(
                    code: .audioMissing, field: "$", message: "give exactly one of audio_id or sound_file; neither is present"))
            } else if draft.sawAudioID, draft.sawSoundFile {
                draft.errors.append(JobValidationError(
                    code: .audioConflict, field: "$", message: "give exactly one of audio_id or sound_file; both are present"))
            }
        }
        return draft
    }

    private func readField(
        _ member: JSONMember, field: String, bytes: UnsafeRawBufferPointer, message: [UInt8], into draft: inout JobDraft
    ) {
        let value = member.value
        func wrongType(_ expected: String) {
            draft.errors.append(JobValidationError(
                code: .wrongType, field: field, message: "expected \(expected), found \(value.typeName)",
                limit: expected, valueSeen: value.typeName))
        }
        func text() -> String? {
            guard case .string(let span) = value else { wrongType("string"); return nil }
            do {
                return try JSONParser.string(span, in: bytes)
            } catch {
                draft.errors.append(JobValidationError(code: .notJSON, field: field, message: "not valid JSON text: \(error)"))
                return nil
            }
        }
        switch member.key {
        case "job_id":
            draft.jobID = identifier(text(), field: field, maximumLength: JobIDRule.maximumJobIDLength, code: .jobIDInvalid, into: &draft)
        case "image":
            draft.sawImage = true
            guard case .string(let span) = value else { return wrongType("string (URL or base64)") }
            draft.image = MediaTextReader(limits: limits).read(span, field: field, bytes: bytes, message: message, into: &draft)
        case "sound_file":
            draft.sawSoundFile = true
            guard case .string(let span) = value else { return wrongType("string (URL or base64)") }
            draft.soundFile = MediaTextReader(limits: limits).read(span, field: field, bytes: bytes, message: message, into: &draft)
        case "audio_id":
            draft.sawAudioID = true
            guard let id = text() else { return }
            if (1...256).contains(id.utf8.count), id.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) {
                draft.audioID = id
            } else {
                draft.errors.append(JobValidationError(
                    code: .audioIDInvalid, field: field, message: "audio_id must be 1–256 printable ASCII characters",
                    limit: "1–256 of [!-~]", valueSeen: Self.excerpt(id)))
            }
        case "prompt":
            guard let prompt = text() else { return }
            let count = prompt.unicodeScalars.count
            if count <= limits.maximumPromptCharacters {
                draft.prompt = prompt
            } else {
                draft.errors.append(JobValidationError(
                    code: .promptTooLong, field: field, message: "prompt has \(count) characters",
                    limit: "\(limits.maximumPromptCharacters) characters", valueSeen: "\(count) characters"))
            }
        case "mode":
            guard let mode = text() else { return }
            if let parsed = AvatarMode(rawValue: mode) {
                draft.mode = parsed
            } else {
                draft.errors.append(JobValidationError(
                    code: .modeInvalid, field: field, message: "mode must be 'std' or 'pro'", limit: "std, pro",
                    valueSeen: Self.excerpt(mode)))
            }
        case "callback_url":
            guard let url = text() else { return }
            if let error = URLSyntax.check(url, field: field, limits: limits) {
                draft.errors.append(error)
            } else {
                draft.callbackURL = url
            }
        case "external_task_id":
            draft.externalTaskID = identifier(
                text(), field: field, maximumLength: StableIdentifiers.externalTaskIDMaximumLength, code: .externalTaskIDInvalid, into: &draft)
        case "watermark":
            guard case .bool(let flag) = value else { return wrongType("boolean") }
            draft.watermark = flag
        case "deadline_seconds":
            guard case .number(let number, let integer) = value else { return wrongType("integer") }
            guard let seconds = integer.flatMap({ Int(exactly: $0) }) else { return wrongType("integer") }
            if limits.deadlineSeconds.contains(seconds) {
                draft.deadlineSeconds = seconds
            } else {
                draft.errors.append(JobValidationError(
                    code: .deadlineOutOfRange, field: field, message: "deadline_seconds is outside the allowed range",
                    limit: "\(limits.deadlineSeconds.lowerBound)…\(limits.deadlineSeconds.upperBound)",
                    valueSeen: "\(number)"))
            }
        case "metadata":
            guard case .object(let members) = value else { return wrongType("object") }
            let object: [String: JSONValue]
            do {
                guard case .object(let members) = try JSONValue(value, in: bytes) else { return wrongType("object") }
                object = members
            } catch {
                draft.errors.append(JobValidationError(code: .notJSON, field: field, message: "not valid JSON text: \(error)"))
                return
            }
            if members.count > limits.maximumMetadataProperties {
                draft.errors.append(JobValidationError(
                    code: .metadataTooLarge, field: field, message: "metadata has \(members.count) properties",
                    limit: "\(limits.maximumMetadataProperties) properties", valueSeen: "\(members.count) properties"))
            } else {
                draft.metadata = object
            }
        default:
            draft.errors.append(JobValidationError(
                code: .unknownField, field: field, message: "'\(member.key)' is not a field of avatar-job.v1",
                limit: AvatarJob.fieldNames.joined(separator: ", ")))
        }
    }

    /// `id` when it follows ``JobIDRule`` with `maximumLength`, else `nil` with an error recorded.
    private func identifier(
        _ id: String?, field: String, maximumLength: Int, code: JobValidationError.Code, into draft: inout JobDraft
    ) -> String? {
        guard let id else { return nil }
        if JobIDRule.isValid(id, maximumLength: maximumLength) { return id }
        let name = field.dropFirst(2)
        draft.errors.append(JobValidationError(
            code: code, field: field, message: "\(name) must be 1–\(maximumLength) characters of [A-Za-z0-9._:-]",
            limit: "1–\(maximumLength) of [A-Za-z0-9._:-]", valueSeen: Self.excerpt(id)))
        return nil
    }

    /// The keys seen so far: a linear scan for the dozen keys of a normal job (no hashing on the hot path), a hash
    /// set once a message has more, so a hostile message with thousands of keys stays linear.
    private struct KeySet {
        private var small: [String] = []
        private var large: Set<String>?

        /// Adds `key`; false when it was already there.
        mutating func insert(_ key: String) -> Bool {
            if large != nil { return large!.insert(key).inserted }
            if small.contains(key) { return false }
            small.append(key)
            if small.count > 32 { large = Set(small) }
            return true
        }

        func contains(_ key: String) -> Bool { large?.contains(key) ?? small.contains(key) }
    }

    /// A value cut to 80 characters for error messages.
    static func excerpt(_ text: String) -> String {
        text.count > 80 ? String(text.prefix(80)) + "…" : text
    }
}

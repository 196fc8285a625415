import Foundation

/// A create body that passed validation.
struct ValidatedCreateRequest: Sendable, Equatable {
    var image: String
    var audioID: String?
    var soundFile: String?
    var prompt: String
    var mode: String
    var callbackURL: String?
    var externalTaskID: String?
}

/// A refusal with Kling's business code (1200 unreadable request, 1201 bad parameter) and a message naming the field.
struct ValidationFailure: Error, Equatable {
    var code: Int
    var message: String
}

/// Checks a create body with the real API's limits: exactly one of `audio_id`/`sound_file`, `prompt` ≤ 2500,
/// `mode` std|pro, `image` and `sound_file` as an http(s) URL or raw base64 (a `data:` prefix is refused), image
/// ≤ 10 MB and sound ≤ 5 MB decoded, then the content checks.
struct CreateRequestValidator: Sendable {
    static let maximumPromptLength = 2500
    static let maximumImageBytes = 10 * 1024 * 1024
    static let maximumSoundBytes = 5 * 1024 * 1024

    var mediaChecks: MediaChecks

    func validate(_ body: [UInt8]) -> Result<ValidatedCreateRequest, ValidationFailure> {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return .failure(ValidationFailure(code: 1200, message: "request body is not a JSON object"))
        }
        do {
            let image = try requiredString(object, "image")
            let audioID = try optionalString(object, "audio_id")
            let soundFile = try optionalString(object, "sound_file")
            switch (audioID, soundFile) {
            case (nil, nil):
                throw ValidationFailure(code: 1201, message: "one of audio_id or sound_file is required")
            case (.some, .some):
                throw ValidationFailure(code: 1201, message: "audio_id and sound_file are mutually exclusive; send one")
            default:
                break
            }
            let prompt = try optionalString(object, "prompt", allowEmpty: true) ?? ""
            guard prompt.count <= Self.maximumPromptLength else {
                throw ValidationFailure(code: 1201, message: "prompt has \(prompt.count) characters; at most \(Self.maximumPromptLength) allowed")
            }
            let mode = try optionalString(object, "mode") ?? "std"
            guard mode == "std" || mode == "pro" else {
                throw ValidationFailure(code: 1201, message: "mode must be std or pro, got \(mode)")
            }
            let callbackURL = try optionalString(object, "callback_url")
            if let callbackURL, URL(string: callbackURL)?.host == nil {
                throw ValidationFailure(code: 1201, message: "callback_url is not a URL: \(callbackURL.prefix(80))")
            }
            let externalTaskID = try optionalString(object, "external_task_id")
            try checkMedia(image, field: "image", limit: Self.maximumImageBytes, check: mediaChecks.image)
            if let soundFile {
                try checkMedia(soundFile, field: "sound_file", limit: Self.maximumSoundBytes, check: mediaChecks.audio)
            }
            return .success(ValidatedCreateRequest(
                image: image, audioID: audioID, soundFile: soundFile, prompt: prompt, mode: mode,
                callbackURL: callbackURL, externalTaskID: externalTaskID
            ))
        } catch let failure as ValidationFailure {
            return .failure(failure)
        } catch {
            return .failure(ValidationFailure(code: 1200, message: "request could not be read"))
        }
    }

    private func requiredString(_ object: [String: Any], _ field: String) throws -> String {
        guard let value = try optionalString(object, field) else {
            throw ValidationFailure(code: 1201, message: "\(field) is required")
        }
        return value
    }

    private func optionalString(_ object: [String: Any], _ field: String, allowEmpty: Bool = false) throws -> String? {
        guard let raw = object[field], !(raw is NSNull) else { return nil }
        guard let value = raw as? String else { throw ValidationFailure(code: 1201, message: "\(field) must be a string") }
        if value.isEmpty && !allowEmpty { return nil }
        return value
    }

    private func checkMedia(
        _ value: String,
        field: String,
        limit: Int,
        check: @Sendable ([UInt8]) -> String?
    ) throws {
        if value.hasPrefix("http://") || value.hasPrefix("https://") {
            guard URL(string: value)?.host != nil else { throw ValidationFailure(code: 1201, message: "\(field) URL is invalid") }
            return
        }
        if value.lowercased().hasPrefix("data:") {
            throw ValidationFailure(code: 1201, message: "\(field) must be raw base64 without a data: prefix")
        }
        guard value.utf8.count <= (limit / 3 + 1) * 4 + 4, let decoded = Data(base64Encoded: value) else {
            let tooLong = value.utf8.count > (limit / 3 + 1) * 4 + 4
            throw ValidationFailure(
                code: 1201,
                message: tooLong ? "\(field) exceeds \(limit / (1024 * 1024)) MB" : "\(field) is neither an http(s) URL nor valid base64"
            )
        }
        guard decoded.count <= limit else {
            throw ValidationFailure(code: 1201, message: "\(field) is \(decoded.count) bytes; at most \(limit) allowed")
        }
        if let problem = check(Array(decoded)) {
            throw ValidationFailure(code: 1201, message: "\(field): \(problem)")
        }
    }
}

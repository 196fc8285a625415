import ArgumentParser
import AvatarJobs
import Foundation

/// `submit`'s way to write one job without writing JSON: a portrait and speech as local files (read, base64-encoded
/// and then checked by the worker's own validator) or URLs (passed through), a prompt and a mode.
struct SubmitJobOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Portrait: a local PNG/JPEG file (sent inline) or an http(s) URL.", valueName: "file|url"))
    var image: String?

    @Option(help: ArgumentHelp("Speech: a local WAV/MP3/M4A/AAC file (sent inline) or an http(s) URL.", valueName: "file|url"))
    var audio: String?

    @Option(name: .customLong("audio-id"), help: "Speech as a Kling TTS audio_id instead of --audio.")
    var audioID: String?

    @Option(help: "What the avatar should do: actions, emotions, camera (up to 2500 characters).")
    var prompt: String?

    @Option(help: "Generation mode: std (faster, cheaper) or pro (higher quality).")
    var mode: AvatarMode?

    @Option(name: .customLong("job-id"), help: "The job's id (A-Z a-z 0-9 . _ : -, up to 128); generated and printed when not given.")
    var jobID: String?

    /// Whether any job field was given, i.e. the job comes from the options rather than from files.
    var describesJob: Bool {
        image != nil || audio != nil || audioID != nil || prompt != nil || mode != nil || jobID != nil
    }

    func validate() throws {
        guard describesJob else { return }
        guard image != nil else { throw ValidationError("--image is required to describe a job with options") }
        switch (audio, audioID) {
        case (nil, nil): throw ValidationError("give the speech as --audio FILE|URL or --audio-id ID")
        case (.some, .some): throw ValidationError("give either --audio or --audio-id, not both")
        default: break
        }
    }

    /// The job message these options describe, with `job_id` generated when none was given.
    /// - Throws: ``SubmitInputError`` when a local file cannot be read or is far too large to be a job's media.
    func message(limits: ValidationLimits, generatedID: () -> String = SubmitJobOptions.generatedJobID) throws(SubmitInputError) -> [UInt8] {
        var object: [String: Any] = ["job_id": jobID ?? generatedID()]
        if let image {
            object["image"] = try Self.media(image, option: "--image", maximumBytes: limits.maximumImageBytes)
        }
        if let audio {
            object["sound_file"] = try Self.media(audio, option: "--audio", maximumBytes: limits.maximumAudioBytes)
        }
        if let audioID { object["audio_id"] = audioID }
        if let prompt { object["prompt"] = prompt }
        if let mode { object["mode"] = mode.rawValue }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return [UInt8](data)
    }

    /// Which option a validation error's JSON path came from, so a refusal names what the user typed.
    func option(for field: String) -> String? {
        switch field {
        case "$.image": image.map { "--image \($0)" }
        case "$.sound_file": audio.map { "--audio \($0)" }
        case "$.audio_id": "--audio-id"
        case "$.prompt": "--prompt"
        case "$.mode": "--mode"
        case "$.job_id": "--job-id"
        default: nil
        }
    }

    /// A URL as given, or the base64 of the local file at `value`.
    private static func media(_ value: String, option: String, maximumBytes: Int) throws(SubmitInputError) -> String {
        let lowered = value.lowercased()
        if lowered.hasPrefix("http://") || lowered.hasPrefix("https://") { return value }
        // One byte over the limit is enough for the validator to name the limit; the rest is never read.
        let bytes = try LocalMediaFile.read(value, option: option, maximumBytes: maximumBytes + 1)
        return Data(bytes).base64EncodedString()
    }

    /// `job-<UTC time>-<6 hex>`: sortable by submission time, unique enough per producer.
    static func generatedJobID() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let time = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Date())
        let stamp = String(
            format: "%04d%02d%02d-%02d%02d%02d", time.year ?? 0, time.month ?? 0, time.day ?? 0, time.hour ?? 0,
            time.minute ?? 0, time.second ?? 0)
        return "job-\(stamp)-\(String(format: "%06x", UInt32.random(in: 0...0xFF_FFFF)))"
    }
}

extension AvatarMode: ExpressibleByArgument {}

import StrictJSON

/// The fields of a job as far as they could be read, with every error met on the way; the validator completes it
/// into an ``AvatarJob`` only when nothing is missing or wrong.
struct JobDraft {
    var jobID: String?
    var image: MediaInput?
    var audioID: String?
    var soundFile: MediaInput?
    var prompt: String?
    var mode: AvatarMode = .std
    var callbackURL: String?
    var externalTaskID: String?
    var watermark: Bool?
    var deadlineSeconds: Int?
    var metadata: [String: JSONValue]?
    var notes: [ValidationNote] = []
    var errors: [JobValidationError] = []

    /// Which audio fields were present at all (even with a bad value), for the exactly-one rule.
    var sawAudioID = false
    var sawSoundFile = false
    var sawImage = false

    /// The job, when every required part is present and no error was recorded.
    var job: AvatarJob? {
        guard errors.isEmpty, let jobID, let image else { return nil }
        let audio: AudioInput
        switch (audioID, soundFile) {
        case (let id?, nil): audio = .audioID(id)
        case (nil, let file?): audio = .soundFile(file)
        default: return nil
        }
        return AvatarJob(
            jobID: jobID, image: image, audio: audio, prompt: prompt, mode: mode, callbackURL: callbackURL,
            externalTaskID: externalTaskID, watermark: watermark, deadlineSeconds: deadlineSeconds, metadata: metadata
        )
    }
}

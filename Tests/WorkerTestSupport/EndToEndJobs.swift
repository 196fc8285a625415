import AvatarJobs
import Foundation

/// Job messages for end-to-end tests: small (URL media, which the simulator accepts without fetching), valid or
/// invalid in known ways, each with the error code the worker must answer with.
public enum EndToEndJobs {
    /// One job message and what the worker must make of it.
    public struct Job: Sendable, Hashable {
        /// Its `job_id` (also the record key).
        public var jobID: String
        /// The message bytes.
        public var bytes: [UInt8]
        /// The error code of its `failed` event, nil for a valid job (which must be created exactly once).
        public var expectedErrorCode: String?

        /// A job from its parts (the factories below make the usual ones).
        public init(jobID: String, bytes: [UInt8], expectedErrorCode: String?) {
            self.jobID = jobID
            self.bytes = bytes
            self.expectedErrorCode = expectedErrorCode
        }
    }

    /// The ways a job can be invalid, each with its expected code; the test mixes rotate through them.
    public static var invalidKinds: [(code: String, fields: [String: Any])] {[
        ("mode.invalid", ["mode": "turbo"]),
        ("job.unknown_field", ["promt": "typo"]),
        ("audio.conflicting_sources", ["audio_id": "tts-1"]),
        ("url.unsupported_scheme", ["image": "ftp://media.example.com/portrait.png"]),
        ("url.has_credentials", ["sound_file": "https://user:secret@media.example.com/s.mp3"]),
        ("prompt.too_long", ["prompt": String(repeating: "a", count: 2501)]),
        ("deadline_seconds.out_of_range", ["deadline_seconds": 5]),
        ("external_task_id.invalid", ["external_task_id": "has space"]),
    ]}

    /// A valid job with URL media.
    public static func valid(_ jobID: String, mode: String = "std") -> Job {
        Job(jobID: jobID, bytes: encode(fields(jobID).merging(["mode": mode]) { $1 }), expectedErrorCode: nil)
    }

    /// An invalid job of kind `kind` (an index into ``invalidKinds``, wrapping).
    public static func invalid(_ jobID: String, kind: Int) -> Job {
        let chosen = invalidKinds[kind % invalidKinds.count]
        return Job(jobID: jobID, bytes: encode(fields(jobID).merging(chosen.fields) { $1 }), expectedErrorCode: chosen.code)
    }

    /// `count` jobs `<prefix>-0` …, every `invalidEvery`-th one invalid (rotating through the kinds), the rest valid.
    public static func mix(prefix: String, count: Int, invalidEvery: Int = 4) -> [Job] {
        (0..<count).map { index in
            let id = "\(prefix)-\(index)"
            return index % invalidEvery == invalidEvery - 1 ? invalid(id, kind: index / invalidEvery) : valid(id)
        }
    }

    private static func fields(_ jobID: String) -> [String: Any] {
        [
            "job_id": jobID,
            "image": "https://media.example.com/portraits/\(jobID).png",
            "sound_file": "https://media.example.com/speech/\(jobID).mp3",
        ]
    }

    private static func encode(_ object: [String: Any]) -> [UInt8] {
        let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        return [UInt8](data ?? Data())
    }
}

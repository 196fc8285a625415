import Foundation

/// The jobs of a chaos run: small job messages (URL media, which neither the worker nor the simulator fetches), every
/// ``ChaosPlan/invalidEvery``-th one invalid in a known way, each with the outcome the checker demands.
public struct ChaosJobs: Sendable {
    /// One job message and what must become of it.
    public struct Job: Sendable, Hashable {
        /// Its `job_id` (also the record key).
        public var jobID: String
        /// The message bytes.
        public var bytes: [UInt8]
        /// The code of its `failed` event, or nil for a valid job (which must succeed, or fail as
        /// `submission.ambiguous` when the worker could not learn whether its create took effect).
        public var expectedErrorCode: String?
    }

    /// The ways a job is invalid, with the code the worker must answer: fields the validator refuses before any
    /// create, so no invalid job can cost money.
    static var invalidKinds: [(code: String, fields: [String: Any])] {[
        ("mode.invalid", ["mode": "turbo"]),
        ("job.unknown_field", ["promt": "typo"]),
        ("audio.conflicting_sources", ["audio_id": "tts-1"]),
        ("url.unsupported_scheme", ["image": "ftp://media.example.com/portrait.png"]),
        ("prompt.too_long", ["prompt": String(repeating: "a", count: 2501)]),
        ("deadline_seconds.out_of_range", ["deadline_seconds": 5]),
    ]}

    /// The jobs, in production order.
    public let jobs: [Job]

    /// `plan.jobs` jobs named `<prefix>-<index>`.
    public init(plan: ChaosPlan, prefix: String) {
        jobs = (0..<plan.jobs).map { index in
            let jobID = "\(prefix)-\(index)"
            var fields: [String: Any] = [
                "job_id": jobID,
                "image": "https://media.example.com/portraits/\(index % 97).png",
                "sound_file": "https://media.example.com/speech/\(index % 89).mp3",
                "prompt": "smiles and nods",
                "mode": index % 3 == 0 ? "pro" : "std",
            ]
            var expected: String?
            if index % plan.invalidEvery == plan.invalidEvery - 1 {
                let kinds = Self.invalidKinds
                let kind = kinds[(index / plan.invalidEvery) % kinds.count]
                fields.merge(kind.fields) { $1 }
                expected = kind.code
            }
            let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
            return Job(jobID: jobID, bytes: [UInt8](data), expectedErrorCode: expected)
        }
    }

    /// How many jobs are valid.
    public var validCount: Int { jobs.filter { $0.expectedErrorCode == nil }.count }
}

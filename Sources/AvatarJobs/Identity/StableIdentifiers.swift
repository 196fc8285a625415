import Crypto

/// Deterministic identifiers derived from a job, so that a redelivered job or a restarted worker arrives at the same
/// names: the same `external_task_id` (CometAPI/Kling see one task, never a second paid one) and the same result
/// `event_id` (subscribers drop duplicates).
public enum StableIdentifiers {
    /// Characters allowed in an `external_task_id`: the same set as `job_id`.
    public static let externalTaskIDCharacters = JobIDRule.allowedBytes

    /// Longest `external_task_id` this worker produces or accepts.
    public static let externalTaskIDMaximumLength = 64

    /// The `external_task_id` for submission number `attempt` (1-based) of `jobID`.
    ///
    /// Form: `aw-<first 16 chars of job_id>-<32 hex of SHA-256(job_id)>-a<attempt>`, at most 64 characters of
    /// `[A-Za-z0-9._:-]`. The readable prefix helps people find the job; the hash keeps ids of long job ids that
    /// share a prefix apart. The same inputs always give the same output, on every platform and version.
    public static func externalTaskID(jobID: String, attempt: UInt32) -> String {
        let readable = String(String.UnicodeScalarView(jobID.unicodeScalars.prefix(16).filter {
            $0.isASCII && JobIDRule.allowedBytes.contains(UInt8($0.value))
        }))
        return "aw-\(readable)-\(hashPrefix(of: jobID))-a\(attempt)"
    }

    /// The result `event_id` for the event of `type` about `jobID` (and `attempt`, for per-attempt progress events).
    ///
    /// Form: `ev1-` + 32 hex digits of SHA-256 over the fields joined by NUL. Terminal events (`succeeded`,
    /// `failed`) should pass `attempt: nil` so that one job has one terminal event id however often it is retried.
    public static func eventID(jobID: String, type: String, attempt: UInt32?) -> String {
        var input = "\(jobID)\u{0}\(type)"
        if let attempt { input += "\u{0}\(attempt)" }
        return "ev1-\(hashPrefix(of: input))"
    }

    /// Lower-case hex of the first 16 bytes of SHA-256 over `text`'s UTF-8: 128 bits keep distinct jobs apart, and
    /// 32 digits leave room for the readable part of a 64-character `external_task_id`. The digest is swift-crypto's
    /// (BoringSSL on Linux, CryptoKit on Apple platforms); `StableIdentifierVectorTests` pins its output.
    private static func hashPrefix(of text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(32)
        for byte in SHA256.hash(data: Array(text.utf8)).prefix(16) {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}

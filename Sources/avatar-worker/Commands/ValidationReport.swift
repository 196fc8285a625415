import AvatarJobs
import Foundation

/// One line of `avatar-worker validate` output: `{"job_id", "valid", "errors": [{code, field, message}]}`.
struct ValidationReport: Encodable {
    let jobID: String?
    let valid: Bool
    let errors: [Entry]

    /// One error as printed.
    struct Entry: Encodable {
        let code: String
        let field: String
        let message: String
        let limit: String?
        let value: String?
    }

    enum CodingKeys: String, CodingKey {
        case valid, errors
        case jobID = "job_id"
    }

    init(result: Result<ValidatedJob, JobValidationFailure>, message: [UInt8]) {
        switch result {
        case .success(let job):
            jobID = job.job.jobID
            valid = true
            errors = []
        case .failure(let failure):
            jobID = failure.jobID ?? JobIDRecovery.recover(from: message)
            valid = false
            errors = failure.errors.map {
                Entry(code: $0.code.rawValue, field: $0.field, message: $0.message, limit: $0.limit, value: $0.valueSeen)
            }
        }
    }

    /// The report as one line of JSON (sorted keys; `job_id` is null when none could be read).
    func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return #"{"valid":false}"# }
        return String(decoding: data, as: UTF8.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(jobID, forKey: .jobID)
        try container.encode(valid, forKey: .valid)
        try container.encode(errors, forKey: .errors)
    }
}

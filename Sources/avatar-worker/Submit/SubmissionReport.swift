import AvatarJobs
import Foundation
import Kafka

/// One line of `avatar-worker submit` output, per input message.
enum SubmissionReport {
    /// Written to the topic.
    case produced(jobID: String?, KafkaDeliveryReport)
    /// Refused by local validation; not produced.
    case refused(ValidationReport)
    /// Produced but not acknowledged.
    case failed(jobID: String?, KafkaError)

    var isProduced: Bool {
        if case .produced = self { true } else { false }
    }

    /// The line as one JSON object with sorted keys.
    func jsonLine() -> String {
        var object: [String: Any] = [:]
        switch self {
        case .produced(let jobID, let report):
            object = ["job_id": jobID ?? NSNull(), "status": "produced", "topic": report.topic,
                      "partition": Int(report.partition), "offset": Int(report.offset)]
        case .refused(let validation):
            let errors = (try? JSONSerialization.jsonObject(with: Data(validation.jsonLine().utf8))) as? [String: Any]
            object = ["job_id": validation.jobID ?? NSNull(), "status": "refused", "errors": errors?["errors"] ?? []]
        case .failed(let jobID, let error):
            object = ["job_id": jobID ?? NSNull(), "status": "failed", "error": "\(error)"]
        }
        return StandardOutput.jsonLine(object)
    }

    /// The line for a person; with `options` (a job given by options), each refusal names the option it is about.
    func text(naming options: SubmitJobOptions?) -> String {
        switch self {
        case .produced(let jobID, let report):
            return "produced \(jobID ?? "(no job_id)") to \(report)"
        case .refused(let validation):
            let reasons = validation.errors.map { error -> String in
                let place = options?.option(for: error.field) ?? error.field
                var text = "\(place): \(error.code) — \(error.message)"
                if let limit = error.limit { text += " (limit \(limit)" + (error.value.map { ", seen \($0))" } ?? ")") }
                return text
            }
            return "refused \(validation.jobID ?? "(no job_id)"), nothing produced:\n  " + reasons.joined(separator: "\n  ")
        case .failed(let jobID, let error):
            return "not delivered \(jobID ?? "(no job_id)"): \(error)"
        }
    }
}

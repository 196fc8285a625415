import AvatarJobs
import CometAPI

/// The closed sets metric labels draw their values from, and the mapping of open-ended values onto them.
///
/// A label value that is not in its set becomes `other`, so no input (a new API business code, a code this table does
/// not know yet, a hostile message) can grow the number of series. Series of every value are created at zero when the
/// worker starts, so a dashboard or an alert sees them before the first event.
enum MetricLabel {
    /// The value of anything outside a label's set.
    static let other = "other"
    /// The value where there is nothing to name (no business code, no error).
    static let none = "none"

    /// Codes a rejection, a dead letter or a failed result can carry: the validator's codes and the worker's own.
    static let errorCodes: [String] = JobValidationError.Code.all.map(\.rawValue) + [
        "job.tombstone", "api.permanent", "api.account", "task.failed", "task.no_video",
        TaskFailure.deadlineExceededCode, TaskFailure.submissionAmbiguousCode,
    ]
    private static let errorCodeSet = Set(errorCodes)

    /// `code` when it is one of ``errorCodes``, else `other`.
    static func errorCode(_ code: String) -> String {
        errorCodeSet.contains(code) ? code : other
    }

    /// The business codes Kling documents (the ones `ErrorClassification` knows), as label values.
    static let businessCodes: [String] = (1000...5999)
        .filter { ErrorClassification.kind(forBusinessCode: $0) != nil }.map(String.init)
    private static let businessCodeSet = Set(businessCodes)

    /// `0` for success, a documented code as itself, `none` when the answer had no business code, else `other`.
    static func businessCode(_ code: Int?) -> String {
        guard let code else { return none }
        if code == 0 { return "0" }
        let text = String(code)
        return businessCodeSet.contains(text) ? text : other
    }

    /// The operations of the CometAPI client.
    static let operations: [CometAPIError.Operation] = [.createAvatarTask, .queryAvatarTask, .createSpeech]
}

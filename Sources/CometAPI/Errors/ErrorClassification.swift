/// The rules that turn an answer into a ``CometAPIError/Kind``: business code first, then HTTP status, then transport.
///
/// These are the tables of DESIGN.md "Talking to CometAPI", with one sharpening: on a *create*, a gateway timeout
/// (504, 524) without a business code and any transport failure after the request was sent are ``CometAPIError/Kind/ambiguous``,
/// because the gateway gave up waiting while the origin may still have created the task.
public enum ErrorClassification {
    /// The kind Kling's business `code` means, or `nil` for codes outside the documented table (then the HTTP status
    /// decides).
    public static func kind(forBusinessCode code: Int) -> CometAPIError.Kind? {
        switch code {
        case 1000...1004, 1103, 1200...1203, 1300, 1301, 1304: .permanent
        case 1100...1102: .account
        case 1302, 1303: .throttled
        case 5000...5002: .transient
        default: nil
        }
    }

    /// The kind an HTTP status means when no business code says more.
    public static func kind(forHTTPStatus status: Int, operation: CometAPIError.Operation) -> CometAPIError.Kind {
        switch status {
        case 300...399: .permanent
        case 408: .transient
        case 429: .throttled
        case 400...499: .permanent
        case 504, 524: operation == .createAvatarTask ? .ambiguous : .transient
        case 500...599: .transient
        case 200...299: .permanent
        default: .transient
        }
    }

    /// The kind of a failure to get any answer: before the request head went out nothing can exist (transient);
    /// after it, a create may have happened (ambiguous), while queries and speech are safe to repeat (transient).
    public static func kind(
        forTransportFailureAfterSending requestSent: Bool,
        operation: CometAPIError.Operation
    ) -> CometAPIError.Kind {
        requestSent && operation == .createAvatarTask ? .ambiguous : .transient
    }

    /// The kind of a 2xx answer whose body cannot be read: a create may have happened, anything else can be repeated.
    public static func kindForUnreadableSuccess(operation: CometAPIError.Operation) -> CometAPIError.Kind {
        operation == .createAvatarTask ? .ambiguous : .transient
    }
}

import Foundation

/// Any failed call to CometAPI, classified so that the caller knows what to do next.
///
/// ``kind`` is the decision: ``Kind/permanent`` fail the job, ``Kind/throttled`` and ``Kind/transient`` retry with
/// backoff, ``Kind/account`` stop submitting and alert, ``Kind/ambiguous`` reconcile before any resubmission. The other
/// fields are what the result event's `error.api` carries. No field ever holds the API key: messages and excerpts are
/// passed through ``APIKey/redact(_:)`` and capped in length.
public struct CometAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What the caller should do about the error.
    public enum Kind: String, Sendable, Equatable, CaseIterable {
        /// Retrying cannot help (bad request, auth, policy, wrong URL).
        case permanent
        /// The API asked us to slow down (1302, 1303, 429); retry after a pause, shrink concurrency on 1303.
        case throttled
        /// The account cannot pay or is blocked (1100–1102): pause submissions, alert, keep the jobs.
        case account
        /// A passing fault (5xx, 524 on a query, resets, timeouts, unreadable bodies); retry with backoff.
        case transient
        /// A create whose outcome is unknown: the task may exist. Never resubmit blindly.
        case ambiguous
    }

    /// Which call failed.
    public enum Operation: String, Sendable, Equatable {
        /// `POST …/avatar/image2video`.
        case createAvatarTask = "create_avatar_task"
        /// `GET …/avatar/image2video/{id}`.
        case queryAvatarTask = "query_avatar_task"
        /// `POST …/audio/tts`.
        case createSpeech = "create_speech"
    }

    /// What to do about it.
    public var kind: Kind
    /// Which call failed.
    public var operation: Operation
    /// The HTTP status, when a response arrived.
    public var httpStatus: Int?
    /// Kling's business code (top level or nested at `data.data.code`), when present.
    public var businessCode: Int?
    /// CometAPI's own `error.code` (e.g. `invalid_request`), when the body used its `{"error":{…}}` envelope.
    public var errorCode: String?
    /// A one-line explanation: the API's message, or ours for transport and decoding failures.
    public var message: String
    /// The API's request id, for support tickets.
    public var requestID: String?
    /// The wait the server asked for with `Retry-After`, when given.
    public var retryAfter: RetryAfter?
    /// The start of an unreadable body (at most ``maximumExcerptLength`` characters, key redacted), for diagnosis.
    public var bodyExcerpt: String?

    /// Longest ``bodyExcerpt`` kept.
    public static let maximumExcerptLength = 160

    /// An error value. Prefer the client's errors; this is public for tests and for callers that build results.
    public init(
        kind: Kind,
        operation: Operation,
        httpStatus: Int? = nil,
        businessCode: Int? = nil,
        errorCode: String? = nil,
        message: String,
        requestID: String? = nil,
        retryAfter: RetryAfter? = nil,
        bodyExcerpt: String? = nil
    ) {
        self.kind = kind
        self.operation = operation
        self.httpStatus = httpStatus
        self.businessCode = businessCode
        self.errorCode = errorCode
        self.message = message
        self.requestID = requestID
        self.retryAfter = retryAfter
        self.bodyExcerpt = bodyExcerpt
    }

    /// `CometAPI create_avatar_task failed (throttled): HTTP 429, code 1303: … [request_id …]`.
    public var description: String {
        var parts: [String] = []
        if let httpStatus { parts.append("HTTP \(httpStatus)") }
        if let businessCode { parts.append("code \(businessCode)") }
        if let errorCode { parts.append("error.code \(errorCode)") }
        var text = "CometAPI \(operation.rawValue) failed (\(kind.rawValue))"
        if !parts.isEmpty { text += ": " + parts.joined(separator: ", ") }
        text += ": \(message)"
        if let requestID { text += " [request_id \(requestID)]" }
        if let bodyExcerpt { text += " body: \(bodyExcerpt)" }
        return text
    }
}

/// A server's `Retry-After`: either seconds or an HTTP date.
public enum RetryAfter: Sendable, Equatable {
    /// Wait this many seconds.
    case seconds(Int)
    /// Wait until this time.
    case date(Date)

    /// Reads a header value (`120` or `Wed, 21 Oct 2015 07:28:00 GMT`); `nil` when it is neither.
    public init?(headerValue: String) {
        let trimmed = headerValue.trimmingCharacters(in: .whitespaces)
        if let seconds = Int(trimmed), seconds >= 0 {
            self = .seconds(seconds)
            return
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: trimmed) else { return nil }
        self = .date(date)
    }

    /// How long to wait from `now`; never negative.
    public func delay(from now: Date) -> Duration {
        switch self {
        case .seconds(let seconds): .seconds(seconds)
        case .date(let date): .milliseconds(max(0, Int64((date.timeIntervalSince(now) * 1000).rounded(.up))))
        }
    }
}

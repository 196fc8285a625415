/// Why a job failed, in a result event: a stable code, where, whether trying again later may help, and what the API
/// said when the failure came from it.
public struct ResultError: Sendable, Hashable, Codable {
    /// Stable code: a validation code (`image.too_small`), or one of the worker's (`api.permanent`,
    /// `task.failed`, `deadline.exceeded`, …).
    public var code: String
    /// A sentence for a person.
    public var message: String
    /// JSON path of the job field concerned, when there is one.
    public var field: String?
    /// Whether the same job might succeed if produced again later (e.g. after a deadline, not after bad input).
    public var retryable: Bool
    /// What CometAPI/Kling answered, when the failure came from the API.
    public var api: APIDetails?
    /// All validation errors when the job was refused (the first is repeated in `code`/`field`/`message`).
    public var details: [Detail]?

    /// Creates an error.
    public init(code: String, message: String, field: String? = nil, retryable: Bool, api: APIDetails? = nil, details: [Detail]? = nil) {
        self.code = code
        self.message = message
        self.field = field
        self.retryable = retryable
        self.api = api
        self.details = details
    }

    /// The failure for a refused job: the first error up front, all of them in `details`. Not retryable.
    public init(validation failure: JobValidationFailure) {
        let first = failure.errors[0]
        self.init(code: first.code.rawValue, message: first.message, field: first.field, retryable: false,
                  details: failure.errors.map(Detail.init))
    }

    /// The API's side of a failure.
    public struct APIDetails: Sendable, Hashable, Codable {
        /// HTTP status, when a response arrived.
        public var httpStatus: Int?
        /// Business code (`code`, possibly from `data.data.code`).
        public var code: Int?
        /// The API's message.
        public var message: String?
        /// The API's request id, for support tickets.
        public var requestID: String?

        /// Creates API details.
        public init(httpStatus: Int? = nil, code: Int? = nil, message: String? = nil, requestID: String? = nil) {
            self.httpStatus = httpStatus
            self.code = code
            self.message = message
            self.requestID = requestID
        }

        enum CodingKeys: String, CodingKey {
            case code, message
            case httpStatus = "http_status", requestID = "request_id"
        }
    }

    /// One validation error as carried in a result event.
    public struct Detail: Sendable, Hashable, Codable {
        /// Stable code.
        public var code: String
        /// JSON path.
        public var field: String
        /// A sentence for a person.
        public var message: String
        /// The violated bound.
        public var limit: String?
        /// What the job had.
        public var value: String?

        /// Copies a validation error.
        public init(_ error: JobValidationError) {
            code = error.code.rawValue
            field = error.field
            message = error.message
            limit = error.limit
            value = error.valueSeen
        }
    }
}

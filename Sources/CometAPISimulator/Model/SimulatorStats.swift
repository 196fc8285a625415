/// What `GET /_sim/stats` reports: the double-billing detector (creates per `external_task_id`) and traffic counters.
///
/// Field names on the wire are snake_case; tests decode the same type.
public struct SimulatorStats: Sendable, Equatable, Codable {
    /// Tasks created (each one would be billed).
    public var createsTotal = 0
    /// Tasks created per `external_task_id`; any value above 1 means a video was paid for twice.
    public var createsByExternalTaskID: [String: Int] = [:]
    /// Create requests refused because their `external_task_id` already existed.
    public var duplicateExternalTaskIDRejections = 0
    /// Create requests received (accepted, refused or faulted).
    public var createRequestsTotal = 0
    /// Query requests received (single and list).
    public var queriesTotal = 0
    /// TTS requests received.
    public var speechRequestsTotal = 0
    /// Requests refused for a missing or wrong key.
    public var unauthorizedTotal = 0
    /// Requests refused by validation (1200/1201).
    public var validationFailuresTotal = 0
    /// Tasks by their status now.
    public var tasksByStatus: [String: Int] = [:]
    /// Faults injected, by fault name.
    public var faultsInjected: [String: Int] = [:]
    /// Distinct tasks a query found since the last `POST /_sim/query-mark` (or the start): a benchmark's "every task
    /// was polled again".
    public var tasksQueriedSinceMark = 0
    /// Callbacks answered with 2xx.
    public var callbacksDelivered = 0
    /// Callbacks that failed or were not sent (non-loopback URL).
    public var callbacksFailed = 0

    /// Empty counters.
    public init() {}

    private enum CodingKeys: String, CodingKey {
        case createsTotal = "creates_total"
        case createsByExternalTaskID = "creates_by_external_task_id"
        case duplicateExternalTaskIDRejections = "duplicate_external_task_id_rejections"
        case createRequestsTotal = "create_requests_total"
        case queriesTotal = "queries_total"
        case speechRequestsTotal = "speech_requests_total"
        case unauthorizedTotal = "unauthorized_total"
        case validationFailuresTotal = "validation_failures_total"
        case tasksByStatus = "tasks_by_status"
        case faultsInjected = "faults_injected"
        case tasksQueriedSinceMark = "tasks_queried_since_mark"
        case callbacksDelivered = "callbacks_delivered"
        case callbacksFailed = "callbacks_failed"
    }

    /// External task ids created more than once: each is a video paid for twice.
    public var doubleBilledExternalTaskIDs: [String] {
        createsByExternalTaskID.filter { $0.value > 1 }.map(\.key).sorted()
    }
}

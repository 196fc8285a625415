/// How the simulator behaves: where it listens, how tasks live, which faults it shows, which switches are on.
public struct SimulatorConfiguration: Sendable {
    /// Which body shape successful queries use.
    public enum ResponseShape: String, Sendable, CaseIterable {
        /// Kling's plain object (`data.task_status`); errors as `{code, message, request_id}`.
        case plain
        /// CometAPI's wrapper (`data.status`, raw object under `data.data`); errors nested at `data.data.code`.
        case wrapped
    }

    /// Listen address; loopback by default. The simulator is for local use only.
    public var host: String
    /// Listen port; 0 picks a free one (read it back from ``CometAPISimulator/start()``).
    public var port: Int
    /// The bearer key requests must carry; `nil` accepts any non-empty bearer token (a missing header is still 401).
    public var apiKey: String?
    /// Lifetime of a task in seconds, drawn uniformly from this range; a quarter of it is spent `submitted`.
    public var taskSeconds: ClosedRange<Double>
    /// Share of tasks that end `failed` (0…1).
    public var failureRate: Double
    /// Length in seconds of generated videos.
    public var videoSeconds: Double
    /// Probability per API request of each fault.
    public var faultRates: [SimulatedFault: Double]
    /// Refuse a create whose `external_task_id` already exists (Kling requires uniqueness per account).
    public var enforceUniqueExternalTaskID: Bool
    /// Accept an `external_task_id` in the query path (Kling does; CometAPI does not document it).
    public var allowsQueryByExternalTaskID: Bool
    /// Body shape of successful queries and of error answers.
    public var responseShape: ResponseShape
    /// `Retry-After` seconds sent with throttling answers; `nil` sends none.
    public var retryAfterSeconds: Int?
    /// Delay of the `slow` fault, and the time over which the `slow-body` fault spreads its body.
    public var slowResponseDelay: Duration
    /// How long the `no-answer` fault holds a connection before resetting it.
    public var noAnswerHold: Duration
    /// Post callbacks to loopback `callback_url`s on every status change.
    public var callbacksEnabled: Bool
    /// Content checks for base64 media (by default the job contract's probes with the API's limits).
    public var mediaChecks: MediaChecks

    /// A configuration; the defaults give a quick demo (tasks of 2–5 s, no failures, no faults).
    public init(
        host: String = "127.0.0.1",
        port: Int = 0,
        apiKey: String? = nil,
        taskSeconds: ClosedRange<Double> = 2...5,
        failureRate: Double = 0,
        videoSeconds: Double = 5,
        faultRates: [SimulatedFault: Double] = [:],
        enforceUniqueExternalTaskID: Bool = true,
        allowsQueryByExternalTaskID: Bool = false,
        responseShape: ResponseShape = .plain,
        retryAfterSeconds: Int? = 1,
        slowResponseDelay: Duration = .seconds(2),
        noAnswerHold: Duration = .seconds(120),
        callbacksEnabled: Bool = true,
        mediaChecks: MediaChecks = .probing()
    ) {
        self.host = host
        self.port = port
        self.apiKey = apiKey
        self.taskSeconds = taskSeconds
        self.failureRate = failureRate
        self.videoSeconds = videoSeconds
        self.faultRates = faultRates
        self.enforceUniqueExternalTaskID = enforceUniqueExternalTaskID
        self.allowsQueryByExternalTaskID = allowsQueryByExternalTaskID
        self.responseShape = responseShape
        self.retryAfterSeconds = retryAfterSeconds
        self.slowResponseDelay = slowResponseDelay
        self.noAnswerHold = noAnswerHold
        self.callbacksEnabled = callbacksEnabled
        self.mediaChecks = mediaChecks
    }
}

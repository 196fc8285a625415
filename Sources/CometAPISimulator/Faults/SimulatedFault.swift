/// A misbehaviour the simulator can show instead of (or on top of) a normal answer.
///
/// The raw value is the name used in `X-Sim-Fault` headers, `POST /_sim/faults` and `--fault-rate`.
public enum SimulatedFault: String, Sendable, Hashable, CaseIterable, Codable {
    /// 429, code 1302 (request rate over the platform limit), with `Retry-After`.
    case throttle1302 = "throttle-1302"
    /// 429, code 1303 (parallel tasks over the resource-pack limit), with `Retry-After`.
    case throttle1303 = "throttle-1303"
    /// 429, code 1100 (account abnormal).
    case account1100 = "account-1100"
    /// 429, code 1101 (account in arrears).
    case account1101 = "account-1101"
    /// 429, code 1102 (resource pack exhausted).
    case account1102 = "account-1102"
    /// 500, code 5000 (internal error).
    case server5000 = "server-5000"
    /// 503, code 5001 (maintenance).
    case server5001 = "server-5001"
    /// 504, code 5002 (internal timeout).
    case server5002 = "server-5002"
    /// 524 with a gateway's HTML page (the origin did not answer in time).
    case gateway524 = "gateway-524"
    /// 502 with an HTML page.
    case html502 = "html-502"
    /// 301 to another host with an HTML body (a wrong base URL).
    case redirect301 = "redirect-301"
    /// 500 in CometAPI's `{"error":{…}}` envelope with `code: invalid_request`.
    case cometInvalidRequest = "comet-500-invalid-request"
    /// 401 in CometAPI's envelope.
    case cometUnauthorized = "comet-401"
    /// The request is processed, then answered 200 with a cut-off JSON body.
    case malformedJSON = "malformed-json"
    /// The request is processed, then answered 200 with no body.
    case emptyBody = "empty-body"
    /// The request is processed and answered normally after ``SimulatorConfiguration/slowResponseDelay``.
    case slow
    /// The request is processed and never answered (the client times out).
    case noAnswer = "no-answer"
    /// The connection is reset (RST) as soon as the request head arrives; nothing is processed.
    case resetBeforeRead = "reset-before-read"
    /// The request is processed, then the connection is reset instead of answering.
    case resetAfterRead = "reset-after-read"
    /// The request is processed and the status line and headers go out at once, but the body trickles in small
    /// pieces spread over ``SimulatorConfiguration/slowResponseDelay`` (a congested or throttled link): the client
    /// must keep reading rather than take a half-read body for a whole one.
    case slowBody = "slow-body"

    /// Whether the request takes effect (a create creates a task) before the fault shows.
    public var processesRequest: Bool {
        switch self {
        case .malformedJSON, .emptyBody, .slow, .noAnswer, .resetAfterRead, .slowBody: true
        default: false
        }
    }

    /// The HTTP status and business code of faults that are plain error answers.
    var errorAnswer: (status: Int, code: Int, message: String)? {
        switch self {
        case .throttle1302: (429, 1302, "request rate over platform limit")
        case .throttle1303: (429, 1303, "parallel task over resource pack limit")
        case .account1100: (429, 1100, "account abnormal")
        case .account1101: (429, 1101, "account in arrears")
        case .account1102: (429, 1102, "resource pack exhausted or expired")
        case .server5000: (500, 5000, "internal server error")
        case .server5001: (503, 5001, "service temporarily unavailable")
        case .server5002: (504, 5002, "server internal timeout")
        default: nil
        }
    }
}

/// Which API routes a queued or random fault applies to.
public enum FaultRoute: String, Sendable, Hashable, Codable, CaseIterable {
    /// Avatar task creation.
    case create
    /// Avatar task query (single or list).
    case query
    /// Text-to-speech.
    case tts
    /// Any of the above.
    case any

    func covers(_ route: FaultRoute) -> Bool { self == .any || self == route }
}

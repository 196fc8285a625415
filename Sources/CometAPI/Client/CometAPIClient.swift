import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import Tracing

/// The CometAPI Kling Avatar client: create a task, query it, make TTS speech.
///
/// Every call is one HTTP exchange; retries, pacing and concurrency are the caller's (see ``RetryPolicy``,
/// ``ConcurrencyLimiter``, ``SubmissionGate``), because only the caller knows the job's deadline and ledger state.
/// Every failure is a ``CometAPIError`` whose ``CometAPIError/kind`` says what to do. Redirects are never followed
/// (a 3xx is a permanent "wrong base URL or path" error), TLS certificates are verified, and the key goes only into
/// the `Authorization` header of requests to ``CometAPIConfiguration/baseURL``; it is never logged.
///
/// Call ``shutdown()`` once when done; the client owns its connection pool.
public final class CometAPIClient: Sendable {
    /// The configuration the client was made with.
    public let configuration: CometAPIConfiguration
    private let httpClient: HTTPClient
    /// The event loops the client's connections run on.
    public let eventLoopGroup: any EventLoopGroup
    private let parser: ResponseParser
    private let logger: Logger
    private let baseHost: String
    /// Absolute URLs and headers that never change, built once instead of on every request.
    private let createURL: String
    private let speechURL: String
    /// The query URL around its single `{task_id}` (nil for a template with several: the configuration's path).
    private let queryURLParts: (prefix: String, suffix: String)?
    private let commonHeaders: HTTPHeaders
    /// The create request without its body: its URL is parsed once, not on every create.
    private let createTemplate: HTTPClient.Request?

    /// A client for `configuration`, logging through `logger` (component `cometapi`).
    ///
    /// - Throws: ``CometAPIConfigurationError`` when the configuration cannot work.
    public init(
        configuration: CometAPIConfiguration,
        eventLoopGroup: any EventLoopGroup = HTTPClient.defaultEventLoopGroup,
        logger: Logger
    ) throws(CometAPIConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.parser = ResponseParser(apiKey: configuration.apiKey)
        self.baseHost = configuration.baseURL.host?.lowercased() ?? ""
        self.createURL = configuration.url(forPath: configuration.createPath)
        self.speechURL = configuration.url(forPath: configuration.speechPath)
        let template = configuration.url(forPath: configuration.queryPathTemplate)
        let pieces = template.split(separator: "{task_id}", omittingEmptySubsequences: false)
        self.queryURLParts = pieces.count == 2 ? (String(pieces[0]), String(pieces[1])) : nil
        var headers = HTTPHeaders()
        headers.add(name: "Authorization", value: configuration.apiKey.authorizationHeaderValue)
        headers.add(name: "Accept", value: "application/json")
        headers.add(name: "User-Agent", value: "avatar-worker")
        self.commonHeaders = headers
        var createHeaders = headers
        createHeaders.add(name: "Content-Type", value: "application/json")
        self.createTemplate = try? HTTPClient.Request(url: createURL, method: .POST, headers: createHeaders)
        var logger = logger
        logger[metadataKey: "component"] = "cometapi"
        self.logger = logger
        var httpConfiguration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: configuration.connectTimeout.timeAmount, read: configuration.requestTimeout.timeAmount)
        )
        // With no tracer bootstrapped, AsyncHTTPClient would still build a no-op span and its attributes for every
        // request: measurable at bulk rates and invisible to everyone. A bootstrapped tracer gets its spans.
        if InstrumentationSystem.tracer is NoOpTracer { httpConfiguration.tracing.tracer = nil }
        httpConfiguration.connectionPool = .init(
            idleTimeout: .seconds(60),
            concurrentHTTP1ConnectionsPerHostSoftLimit: configuration.maximumConnections
        )
        self.httpClient = HTTPClient(
            eventLoopGroup: eventLoopGroup, configuration: httpConfiguration, backgroundActivityLogger: logger
        )
    }

    /// Closes the connection pool. Calls made afterwards fail as transient errors.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    /// Creates an avatar task. Persist the returned task id before doing anything else.
    ///
    /// A failure of kind ``CometAPIError/Kind/ambiguous`` means the task may exist: reconcile (by external task id
    /// where supported) before any resubmission.
    public func createAvatarTask(_ request: AvatarTaskRequest) async throws(CometAPIError) -> CreatedAvatarTask {
        let collected = try await send(.createAvatarTask, method: .POST, url: createURL, template: createTemplate, body: request)
        let created = try parser.createdTask(status: collected.status, headers: collected.headers, body: collected.body)
        logger.debug("avatar task created", metadata: [
            "task_id": "\(created.taskID)",
            "external_task_id": "\(request.externalTaskID ?? "-")",
            "request_id": "\(created.requestID ?? "-")",
        ])
        return created
    }

    /// Reads a task by CometAPI's task id.
    public func queryAvatarTask(taskID: String) async throws(CometAPIError) -> AvatarTask {
        let collected = try await send(.queryAvatarTask, method: .GET, url: queryURL(for: taskID), body: Optional<String>.none)
        return try parser.task(status: collected.status, headers: collected.headers, body: collected.body)
    }

    /// Reads a task by the caller's external task id, to find out whether an ambiguous create happened.
    ///
    /// - Throws: a permanent ``CometAPIError`` without any request when
    ///   ``CometAPIConfiguration/supportsQueryByExternalTaskID`` is off (CometAPI does not document it). A 404 or
    ///   business code 1203 means no task has that id.
    public func queryAvatarTask(externalTaskID: String) async throws(CometAPIError) -> AvatarTask {
        guard configuration.supportsQueryByExternalTaskID else {
            throw CometAPIError(
                kind: .permanent, operation: .queryAvatarTask,
                message: "querying by external_task_id is switched off (supportsQueryByExternalTaskID = false)"
            )
        }
        return try await queryAvatarTask(taskID: externalTaskID)
    }

    /// Turns text into Kling speech and returns its audio id for ``AvatarSpeech/audioID(_:)``. Costs a small fee.
    public func createSpeech(_ request: SpeechRequest) async throws(CometAPIError) -> GeneratedSpeech {
        let collected = try await send(.createSpeech, method: .POST, url: speechURL, body: request)
        return try parser.speech(status: collected.status, headers: collected.headers, body: collected.body)
    }

    /// The query URL for `identifier`: ids made only of URL-unreserved characters (CometAPI's are digits) go in as
    /// they are; anything else takes the configuration's percent-encoding path.
    private func queryURL(for identifier: String) -> String {
        let plain = !identifier.isEmpty && identifier.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                true
            default: false
            }
        }
        guard plain, let parts = queryURLParts else { return configuration.queryURL(for: identifier) }
        return parts.prefix + identifier + parts.suffix
    }

    // MARK: - One exchange

    private static let encoder = JSONEncoder()

    private func send(
        _ operation: CometAPIError.Operation,
        method: HTTPMethod,
        url: String,
        template: HTTPClient.Request? = nil,
        body: (some Encodable)?
    ) async throws(CometAPIError) -> ResponseCollector.Collected {
        var request: HTTPClient.Request
        do {
            let requestBody: HTTPClient.Body? = try body.map { .data(try Self.encoder.encode($0)) }
            if let template {
                request = template
                request.body = requestBody
            } else {
                var headers = commonHeaders
                if requestBody != nil { headers.add(name: "Content-Type", value: "application/json") }
                request = try HTTPClient.Request(url: url, method: method, headers: headers, body: requestBody)
            }
        } catch {
            throw CometAPIError(kind: .permanent, operation: operation, message: "request could not be built: \(error)")
        }
        guard request.host.lowercased() == baseHost else {
            throw CometAPIError(kind: .permanent, operation: operation, message: "refusing to send the key to a host other than the base URL's")
        }
        let collector = ResponseCollector(maximumBytes: configuration.maximumResponseBytes)
        let started = ContinuousClock.now
        // AsyncHTTPClient copies the logger and adds metadata on every request; hand it ours only when its debug
        // output could be shown at all.
        let task = httpClient.execute(
            request: request, delegate: collector, eventLoop: .indifferent,
            deadline: .now() + configuration.requestTimeout.timeAmount,
            logger: logger.logLevel <= .debug ? logger : nil
        )
        do {
            let collected = try await withTaskCancellationHandler {
                try await task.futureResult.get()
            } onCancel: {
                task.cancel()
            }
            logger.trace("CometAPI exchange", metadata: [
                "operation": "\(operation.rawValue)", "http_status": "\(collected.status)",
                "elapsed": "\(ContinuousClock.now - started)",
            ])
            return collected
        } catch {
            let sent = collector.requestSent
            let failure = CometAPIError(
                kind: ErrorClassification.kind(forTransportFailureAfterSending: sent, operation: operation),
                operation: operation,
                message: "\(sent ? "after" : "before") sending the request: \(configuration.apiKey.redact(String(describing: error)))"
            )
            logger.debug("CometAPI transport failure", metadata: [
                "operation": "\(operation.rawValue)", "kind": "\(failure.kind.rawValue)", "error": "\(failure.message)",
            ])
            throw failure
        }
    }
}

extension Duration {
    /// The same span as NIO's `TimeAmount` (nanosecond precision, saturating).
    var timeAmount: TimeAmount {
        let (seconds, attoseconds) = components
        let (nanos, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return .nanoseconds(overflow ? .max : nanos.addingReportingOverflow(attoseconds / 1_000_000_000).partialValue)
    }
}

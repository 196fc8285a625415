import Foundation

/// Where and how the client talks to CometAPI. Defaults match the public API; tests point ``baseURL`` at the simulator.
public struct CometAPIConfiguration: Sendable {
    /// The public CometAPI endpoint.
    public static let defaultBaseURL = URL(string: "https://api.cometapi.com")!

    /// Scheme, host and port of the API. The key is sent to this host only; paths below are appended to it.
    public var baseURL: URL
    /// Path of the create call.
    public var createPath: String
    /// Path of the query call; `{task_id}` is replaced by the (percent-encoded) task id or external task id.
    public var queryPathTemplate: String
    /// Path of the Kling text-to-speech call.
    public var speechPath: String
    /// Whether the API accepts an `external_task_id` in the query path. CometAPI does not document it, so it is off
    /// by default; ``CometAPIClient/queryAvatarTask(externalTaskID:)`` refuses to run while it is off.
    public var supportsQueryByExternalTaskID: Bool
    /// Longest time to open a TCP (and TLS) connection.
    public var connectTimeout: Duration
    /// Longest time for one whole request, from start to the last body byte.
    public var requestTimeout: Duration
    /// Upper bound on open connections to the API host (the pool keeps them alive for reuse).
    public var maximumConnections: Int
    /// Largest response body read; bigger bodies are cut and reported as unreadable.
    public var maximumResponseBytes: Int
    /// The bearer key.
    public var apiKey: APIKey

    /// A configuration with CometAPI's defaults and the given key.
    public init(
        apiKey: APIKey,
        baseURL: URL = CometAPIConfiguration.defaultBaseURL,
        createPath: String = "/kling/v1/videos/avatar/image2video",
        queryPathTemplate: String = "/kling/v1/videos/avatar/image2video/{task_id}",
        speechPath: String = "/kling/v1/audio/tts",
        supportsQueryByExternalTaskID: Bool = false,
        connectTimeout: Duration = .seconds(10),
        requestTimeout: Duration = .seconds(60),
        maximumConnections: Int = 16,
        maximumResponseBytes: Int = 4 << 20
    ) {
        self.apiKey = apiKey
        self.baseURL = baseURL
        self.createPath = createPath
        self.queryPathTemplate = queryPathTemplate
        self.speechPath = speechPath
        self.supportsQueryByExternalTaskID = supportsQueryByExternalTaskID
        self.connectTimeout = connectTimeout
        self.requestTimeout = requestTimeout
        self.maximumConnections = maximumConnections
        self.maximumResponseBytes = maximumResponseBytes
    }

    /// Checks that the URLs can be built and stay on the base URL's host.
    ///
    /// - Throws: ``CometAPIConfigurationError`` naming the field and the value seen.
    public func validate() throws(CometAPIConfigurationError) {
        guard let scheme = baseURL.scheme?.lowercased(), scheme == "https" || scheme == "http" else {
            throw .invalid(field: "baseURL", value: baseURL.absoluteString, expected: "an http or https URL")
        }
        guard let host = baseURL.host, !host.isEmpty else {
            throw .invalid(field: "baseURL", value: baseURL.absoluteString, expected: "a URL with a host")
        }
        for (field, path) in [("createPath", createPath), ("queryPathTemplate", queryPathTemplate), ("speechPath", speechPath)] {
            guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("://") else {
                throw .invalid(field: field, value: path, expected: "a path starting with a single /")
            }
        }
        guard queryPathTemplate.contains("{task_id}") else {
            throw .invalid(field: "queryPathTemplate", value: queryPathTemplate, expected: "a path containing {task_id}")
        }
        guard connectTimeout > .zero, requestTimeout > .zero else {
            throw .invalid(field: "timeouts", value: "\(connectTimeout), \(requestTimeout)", expected: "positive durations")
        }
        guard maximumConnections > 0 else {
            throw .invalid(field: "maximumConnections", value: "\(maximumConnections)", expected: "at least 1")
        }
    }

    /// The absolute URL for `path` on the base URL (which may itself carry a path prefix).
    func url(forPath path: String) -> String {
        var base = baseURL.absoluteString
        while base.hasSuffix("/") { base.removeLast() }
        return base + path
    }

    /// The absolute query URL for a task id or external task id (percent-encoded into the path template).
    public func queryURL(for identifier: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        let encoded = identifier.addingPercentEncoding(withAllowedCharacters: allowed) ?? identifier
        return url(forPath: queryPathTemplate.replacingOccurrences(of: "{task_id}", with: encoded))
    }
}

/// A configuration value that cannot work, with the field, the value seen and what is expected.
public enum CometAPIConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// `field` holds `value`, but `expected` is needed.
    case invalid(field: String, value: String, expected: String)

    /// One sentence for the operator.
    public var description: String {
        switch self {
        case .invalid(let field, let value, let expected): "CometAPI configuration \(field) is \"\(value)\"; expected \(expected)"
        }
    }
}

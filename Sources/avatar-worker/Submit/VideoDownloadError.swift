/// Why a video could not be saved.
enum VideoDownloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The URL is not http(s).
    case notHTTP
    /// The server answered with another status than 200.
    case httpStatus(Int)
    /// The server does not call it a video.
    case contentType(String)
    /// Larger than allowed (declared or received).
    case tooLarge(limit: Int, seen: Int)
    /// Connection, TLS, timeout.
    case transport(String)
    /// The local file could not be written or renamed.
    case file(String)

    var description: String {
        switch self {
        case .notHTTP: "not an http(s) URL"
        case .httpStatus(let status): "the server answered HTTP \(status)"
        case .contentType(let type): "the server sent \(type), not a video"
        case .tooLarge(let limit, let seen): "larger than the limit of \(limit) bytes (at least \(seen))"
        case .transport(let reason): "transfer failed: \(reason)"
        case .file(let reason): reason
        }
    }
}

/// Why deep validation could not fetch a media URL.
public enum RemoteFetchError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The host name did not resolve.
    case resolution(host: String, reason: String)
    /// The host resolved to an address the policy refuses.
    case forbiddenAddress(host: String, reason: String)
    /// The server answered with a status other than 200/206 (after redirects).
    case httpStatus(Int)
    /// More redirects than allowed, or a redirect without a usable `Location`.
    case redirects(String)
    /// The body is larger than the cap (the declared or the received size).
    case tooLarge(limit: Int, seen: Int)
    /// Connection, TLS or timeout failure.
    case transport(String)

    /// A sentence for error messages.
    public var description: String {
        switch self {
        case .resolution(let host, let reason): "cannot resolve \(host): \(reason)"
        case .forbiddenAddress(let host, let reason): "\(host) resolves to a \(reason), which is not allowed"
        case .httpStatus(let status): "the server answered HTTP \(status)"
        case .redirects(let reason): reason
        case .tooLarge(let limit, let seen): "the file has at least \(seen) bytes, more than \(limit)"
        case .transport(let reason): "transfer failed: \(reason)"
        }
    }
}

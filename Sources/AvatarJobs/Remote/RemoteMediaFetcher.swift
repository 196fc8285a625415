import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Fetches media named by URL in a job, for deep validation: at most `maximumBytes + 1` bytes (a `Range` request,
/// and the transfer is cut off when a server ignores it), within a timeout, following a bounded number of
/// redirects, and never from an address the policy refuses — every hop's host is resolved and checked first.
///
/// The check-then-connect gap (DNS rebinding between our resolution and the connection) is narrowed but not closed:
/// deployments that must be strict should also egress through a proxy that enforces the same rule.
public struct RemoteMediaFetcher: Sendable {
    /// The bounds applied to every fetch.
    public let policy: RemoteFetchPolicy

    /// A fetcher with the given bounds.
    public init(policy: RemoteFetchPolicy = RemoteFetchPolicy()) {
        self.policy = policy
    }

    /// The whole body at `url`, at most `maximumBytes` long.
    public func fetch(_ url: String, maximumBytes: Int) async throws(RemoteFetchError) -> [UInt8] {
        var current = url
        for _ in 0...policy.maximumRedirects {
            guard let target = URL(string: current), let scheme = target.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = target.host, !host.isEmpty
            else { throw .redirects("cannot follow to '\(URLSyntax.redacted(current))': not an absolute http(s) URL") }
            let addressPolicy = policy.addresses
            let resolution = await Task.detached { () -> Result<[IPAddress], RemoteFetchError> in
                Result { () throws(RemoteFetchError) in try addressPolicy.resolve(host) }
            }.value
            _ = try resolution.get()
            var request = URLRequest(url: target)
            request.setValue("bytes=0-\(maximumBytes)", forHTTPHeaderField: "Range")
            request.setValue("identity", forHTTPHeaderField: "Accept-Encoding")
            let response = try await CappedDownload(cap: maximumBytes).run(request, timeoutSeconds: policy.timeoutSeconds).get()
            if response.exceededCap {
                throw .tooLarge(limit: maximumBytes, seen: max(response.declaredSize ?? 0, response.body.count))
            }
            switch response.status {
            case 200, 206:
                return response.body
            case 301, 302, 303, 307, 308:
                guard let location = response.location, let next = URL(string: location, relativeTo: target) else {
                    throw .redirects("HTTP \(response.status) without a usable Location")
                }
                current = next.absoluteString
            default:
                throw .httpStatus(response.status)
            }
        }
        throw .redirects("more than \(policy.maximumRedirects) redirects")
    }
}

/// Bounds on one deep-validation fetch.
public struct RemoteFetchPolicy: Sendable, Hashable {
    /// Which addresses may be contacted (public only by default).
    public var addresses: IPAddressPolicy = .publicOnly
    /// Seconds for the whole fetch of one URL, redirects included.
    public var timeoutSeconds: Double = 10
    /// Most redirects followed; each target is checked like the original URL.
    public var maximumRedirects: Int = 3

    /// The defaults above.
    public init() {}

    /// The defaults, with loopback allowed (tests against a local server).
    public static var allowingLoopback: RemoteFetchPolicy {
        var policy = RemoteFetchPolicy()
        policy.addresses = .allowingLoopback
        return policy
    }
}

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

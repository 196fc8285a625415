import Foundation

/// Decides which resolved addresses deep validation may connect to: by default only public unicast ones, so a job
/// cannot make the worker fetch from its own network (loopback, private ranges, link-local cloud metadata, …).
public struct IPAddressPolicy: Sendable, Hashable {
    /// Whether loopback addresses (127/8, ::1) are allowed — for tests against a local server.
    public var allowLoopback: Bool
    /// Whether private, link-local and other non-public addresses are allowed — for closed networks that host
    /// their media internally.
    public var allowPrivate: Bool

    /// Public addresses only.
    public static let publicOnly = IPAddressPolicy(allowLoopback: false, allowPrivate: false)
    /// Public and loopback addresses (tests).
    public static let allowingLoopback = IPAddressPolicy(allowLoopback: true, allowPrivate: false)

    /// Creates a policy.
    public init(allowLoopback: Bool, allowPrivate: Bool) {
        self.allowLoopback = allowLoopback
        self.allowPrivate = allowPrivate
    }

    /// Why `address` is refused, or `nil` when it may be used.
    public func refusal(for address: IPAddress) -> String? {
        switch address.scope {
        case .global: nil
        case .loopback: allowLoopback || allowPrivate ? nil : "loopback address \(address)"
        case .nonPublic(let reason): allowPrivate ? nil : "\(reason) address \(address)"
        }
    }

    /// Resolves `host` (a name or an IP literal, IPv6 with or without brackets) with `getaddrinfo` and checks every
    /// address; one refused address refuses the host, so a name cannot mix a public and a private answer.
    /// Blocking: call it off latency-sensitive threads.
    public func resolve(_ host: String) throws(RemoteFetchError) -> [IPAddress] {
        let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(bare, nil, &hints, &list)
        guard status == 0, let list else {
            throw .resolution(host: host, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(list) }
        var addresses: [IPAddress] = []
        var entry: UnsafeMutablePointer<addrinfo>? = list
        while let current = entry {
            if let address = IPAddress(sockaddr: current.pointee.ai_addr) { addresses.append(address) }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw .resolution(host: host, reason: "no addresses") }
        for address in addresses {
            if let reason = refusal(for: address) { throw .forbiddenAddress(host: host, reason: reason) }
        }
        return addresses
    }
}

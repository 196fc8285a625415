import Foundation

/// An IPv4 or IPv6 address with the classification the fetch policy needs.
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
    case v4(UInt32)
    case v6([UInt8])

    /// Where an address may lead.
    public enum Scope: Sendable, Hashable {
        /// Publicly routable unicast.
        case global
        /// This machine.
        case loopback
        /// Private, link-local, shared, reserved, multicast or otherwise not a public server (the reason names it).
        case nonPublic(String)
    }

    /// Parses a textual IPv4 or IPv6 address (no brackets).
    public init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            self = .v4(UInt32(bigEndian: v4.s_addr))
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
        } else {
            return nil
        }
    }

    /// Reads a `sockaddr_in` / `sockaddr_in6`.
    init?(sockaddr pointer: UnsafeMutablePointer<sockaddr>?) {
        guard let pointer else { return nil }
        switch Int32(pointer.pointee.sa_family) {
        case AF_INET:
            let value = pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr.s_addr }
            self = .v4(UInt32(bigEndian: value))
        case AF_INET6:
            var address = pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            self = .v6(withUnsafeBytes(of: &address) { Array($0) })
        default:
            return nil
        }
    }

    /// The classification (RFC 6890 special-purpose ranges; IPv4-mapped and NAT64 IPv6 by their IPv4 part).
    public var scope: Scope {
        switch self {
        case .v4(let value): Self.scope(v4: value)
        case .v6(let bytes): Self.scope(v6: bytes)
        }
    }

    private static func scope(v4 value: UInt32) -> Scope {
        func within(_ base: UInt32, _ prefix: UInt32) -> Bool { value >> (32 - prefix) == base >> (32 - prefix) }
        if within(0x7F00_0000, 8) { return .loopback }
        let ranges: [(UInt32, UInt32, String)] = [
            (0x0000_0000, 8, "unspecified/this-network"), (0x0A00_0000, 8, "private"), (0x6440_0000, 10, "shared (CGNAT)"),
            (0xA9FE_0000, 16, "link-local"), (0xAC10_0000, 12, "private"), (0xC000_0000, 24, "IETF protocol"),
            (0xC000_0200, 24, "documentation"), (0xC0A8_0000, 16, "private"), (0xC612_0000, 15, "benchmarking"),
            (0xC633_6400, 24, "documentation"), (0xCB00_7100, 24, "documentation"), (0xE000_0000, 4, "multicast"),
            (0xF000_0000, 4, "reserved"),
        ]
        for (base, prefix, reason) in ranges where within(base, prefix) { return .nonPublic(reason) }
        return .global
    }

    private static func scope(v6 bytes: [UInt8]) -> Scope {
        let zeroPrefix = bytes[0..<10].allSatisfy { $0 == 0 }
        if zeroPrefix, bytes[10] == 0xFF, bytes[11] == 0xFF { return scope(v4: embeddedV4(bytes)) }
        if bytes[0..<15].allSatisfy({ $0 == 0 }) {
            return bytes[15] == 1 ? .loopback : .nonPublic("unspecified")
        }
        if zeroPrefix, bytes[10] == 0, bytes[11] == 0 { return scope(v4: embeddedV4(bytes)) }
        if bytes[0] == 0x00, bytes[1] == 0x64, bytes[2] == 0xFF, bytes[3] == 0x9B { return scope(v4: embeddedV4(bytes)) }
        if bytes[0] == 0xFE, bytes[1] & 0xC0 == 0x80 { return .nonPublic("link-local") }
        if bytes[0] & 0xFE == 0xFC { return .nonPublic("unique-local (private)") }
        if bytes[0] == 0xFF { return .nonPublic("multicast") }
        if bytes[0] == 0x20, bytes[1] == 0x01, bytes[2] == 0x0D, bytes[3] == 0xB8 { return .nonPublic("documentation") }
        return .global
    }

    private static func embeddedV4(_ bytes: [UInt8]) -> UInt32 {
        UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15])
    }

    /// Dotted quad or colon-hex text.
    public var description: String {
        switch self {
        case .v4(let value):
            return "\(value >> 24).\((value >> 16) & 0xFF).\((value >> 8) & 0xFF).\(value & 0xFF)"
        case .v6(let bytes):
            return stride(from: 0, to: 16, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
                .joined(separator: ":")
        }
    }
}

import Foundation

/// Picks a TCP port on 127.0.0.1 that is free right now (the kernel's choice for port 0).
///
/// Another process can take it before the broker binds it; ``EmbeddedBroker/start(tansuPath:startTimeout:logger:)``
/// retries with a new port when that happens.
enum FreePort {
    static func pick() throws(EmbeddedBrokerError) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw .spawnFailed(executable: "socket", reason: String(cString: strerror(errno))) }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                guard bind(descriptor, socketAddress, length) == 0 else { return false }
                return getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw .spawnFailed(executable: "bind 127.0.0.1:0", reason: String(cString: strerror(errno))) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

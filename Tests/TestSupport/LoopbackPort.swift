import Foundation

/// A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts as a child process (Prometheus,
/// stunnel) and that must be told its port in advance.
///
/// Another process can take the port before the child binds it; callers start the child, and if it exits at once
/// (it could not bind), pick again. Servers started in-process bind port 0 instead and report the port.
public enum LoopbackPort {
    /// A port the kernel would hand out now.
    public static func pick() throws -> Int {
        let (descriptor, port) = try LoopbackSocket.bind(reuseAddress: true)
        close(descriptor)
        return port
    }
}

import Foundation

/// A 127.0.0.1 port that refuses every connection for as long as this value is alive.
///
/// The socket is bound but never listens, so a connect gets a reset at once, and no other server of a parallel test can
/// take the port meanwhile (a port merely freed after a server stopped can be reused by the next one to start).
public final class RefusingPort: Sendable {
    /// The port number.
    public let port: Int
    private let descriptor: Int32

    public init() throws {
        (descriptor, port) = try LoopbackSocket.bind(reuseAddress: false)
    }

    deinit { close(descriptor) }
}

import Foundation
import Synchronization

/// A tiny HTTP/1.1 server on 127.0.0.1 (an ephemeral port) for tests that fetch over real sockets: one thread per
/// connection, `Connection: close`, replies chosen by a closure. Call ``stop()`` when done (also on failure, e.g. in
/// a `defer`): it closes the listener and releases connections held open by ``Reply/hang``.
public final class LocalHTTPServer: Sendable {
    /// What to answer to one request.
    public struct Reply: Sendable {
        /// HTTP status.
        public var status: Int
        /// Extra headers (`Content-Length` and `Connection` are added).
        public var headers: [String: String]
        /// The body.
        public var body: [UInt8]
        /// Accept the request but never answer (until ``LocalHTTPServer/stop()``), to provoke timeouts.
        public var hang: Bool

        /// Creates a reply.
        public init(status: Int = 200, headers: [String: String] = [:], body: [UInt8] = [], hang: Bool = false) {
            self.status = status
            self.headers = headers
            self.body = body
            self.hang = hang
        }
    }

    /// One request as received.
    public struct Request: Sendable {
        /// The request target, e.g. `/media/a.png`.
        public let path: String
        /// Header names lower-cased.
        public let headers: [String: String]
    }

    /// The port the server listens on.
    public let port: Int
    private let listener: Int32
    private let handler: @Sendable (Request) -> Reply
    private let state = Mutex<(requests: [Request], stopped: Bool, bytesSent: Int)>(([], false, 0))

    /// Starts listening and accepting; `handler` answers each request.
    public init(handler: @escaping @Sendable (Request) -> Reply) throws {
        let (socketFD, boundPort) = try LoopbackSocket.bind(reuseAddress: true)
        guard listen(socketFD, 16) == 0 else {
            close(socketFD)
            throw POSIXError(.EADDRINUSE)
        }
        listener = socketFD
        port = boundPort
        self.handler = handler
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// `http://127.0.0.1:<port><path>`.
    public func url(_ path: String) -> String { "http://127.0.0.1:\(port)\(path)" }

    /// The requests received so far.
    public var requests: [Request] { state.withLock { $0.requests } }

    /// Body bytes written so far (to show a client stopped reading early).
    public var bytesSent: Int { state.withLock { $0.bytesSent } }

    /// Stops accepting and releases hanging connections. Idempotent.
    public func stop() {
        let wasStopped = state.withLock { state in
            defer { state.stopped = true }
            return state.stopped
        }
        guard !wasStopped else { return }
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private var isStopped: Bool { state.withLock { $0.stopped } }

    private func acceptLoop() {
        while !isStopped {
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { return }
            Thread.detachNewThread { [self] in serve(connection) }
        }
    }

    private func serve(_ connection: Int32) {
        defer { close(connection) }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while received.count < 65536, !received.ends(with: [13, 10, 13, 10]) {
            let count = recv(connection, &buffer, buffer.count, 0)
            guard count > 0 else { return }
            received += buffer[..<count]
            if let range = received.firstRange(of: [13, 10, 13, 10]) { received = Array(received[..<range.upperBound]); break }
        }
        let lines = String(decoding: received, as: UTF8.self).components(separatedBy: "\r\n")
        let target = lines.first?.split(separator: " ").dropFirst().first.map(String.init) ?? "/"
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let request = Request(path: target, headers: headers)
        state.withLock { $0.requests.append(request) }
        let reply = handler(request)
        if reply.hang {
            while !isStopped { usleep(10_000) }
            return
        }
        var head = "HTTP/1.1 \(reply.status) Test\r\nContent-Length: \(reply.body.count)\r\nConnection: close\r\n"
        for (name, value) in reply.headers { head += "\(name): \(value)\r\n" }
        head += "\r\n"
        guard sendAll(connection, Array(head.utf8)) else { return }
        var offset = 0
        while offset < reply.body.count {
            let end = min(offset + 16384, reply.body.count)
            guard sendAll(connection, Array(reply.body[offset..<end])) else { return }
            state.withLock { $0.bytesSent += end - offset }
            offset = end
        }
    }

    private func sendAll(_ connection: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return false }
            offset += sent
        }
        return true
    }
}

private extension Array where Element == UInt8 {
    func ends(with suffix: [UInt8]) -> Bool { count >= suffix.count && Array(self[(count - suffix.count)...]) == suffix }
}

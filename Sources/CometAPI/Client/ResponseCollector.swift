import AsyncHTTPClient
import NIOCore
import NIOHTTP1
import Synchronization

/// Collects one response and records whether the request head went out, so that a lost connection can be told
/// apart: before sending nothing can exist at the API, after it a create may have happened.
///
/// AsyncHTTPClient calls the delegate on its event loop; the state sits in a `Mutex` so reads from the caller's task
/// (``requestSent`` after a failure) are safe.
final class ResponseCollector: HTTPClientResponseDelegate {
    /// Status, headers and body of a finished exchange.
    struct Collected: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: [UInt8]
    }

    private struct State {
        var requestSent = false
        var status = 0
        var headers = HTTPHeaders()
        var body: [UInt8] = []
    }

    private let state = Mutex(State())
    private let maximumBytes: Int

    /// A collector that keeps at most `maximumBytes` of body; the rest is dropped (the parser then sees a cut body).
    init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

    /// Whether the request head was written to the connection.
    var requestSent: Bool { state.withLock { $0.requestSent } }

    func didSendRequestHead(task: HTTPClient.Task<Collected>, _ head: HTTPRequestHead) {
        state.withLock { $0.requestSent = true }
    }

    func didReceiveHead(task: HTTPClient.Task<Collected>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        state.withLock {
            $0.requestSent = true
            $0.status = Int(head.status.code)
            $0.headers = head.headers
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Collected>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        state.withLock { state in
            let room = maximumBytes - state.body.count
            if room > 0 { state.body.append(contentsOf: buffer.readableBytesView.prefix(room)) }
        }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveError(task: HTTPClient.Task<Collected>, _ error: any Error) {}

    func didFinishRequest(task: HTTPClient.Task<Collected>) throws -> Collected {
        state.withLock { Collected(status: $0.status, headers: $0.headers, body: $0.body) }
    }
}

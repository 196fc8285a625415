import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import Synchronization

/// One HTTP exchange without automatic redirects, keeping at most `cap + 1` body bytes and cancelling the transfer
/// as soon as the body proves larger than `cap`.
final class CappedDownload: NSObject, URLSessionDataDelegate, Sendable {
    /// What the exchange produced.
    struct Response: Sendable {
        var status = 0
        var location: String?
        var body: [UInt8] = []
        /// The whole resource's size from `Content-Range` or `Content-Length`, when the server declared it.
        var declaredSize: Int?
        var exceededCap = false
    }

    private struct State {
        var response = Response()
        var continuation: CheckedContinuation<Result<Response, RemoteFetchError>, Never>?
    }

    private let cap: Int
    private let state = Mutex(State())

    init(cap: Int) {
        self.cap = cap
    }

    /// Performs `request` on a session of its own (so delegate callbacks belong to this exchange only).
    func run(_ request: URLRequest, timeoutSeconds: Double) async -> Result<Response, RemoteFetchError> {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeoutSeconds
        configuration.timeoutIntervalForResource = timeoutSeconds
        configuration.httpMaximumConnectionsPerHost = 1
        let session = URLSession(configuration: configuration, delegate: self, delegateQueue: nil)
        defer { session.finishTasksAndInvalidate() }
        return await withCheckedContinuation { continuation in
            state.withLock { $0.continuation = continuation }
            session.dataTask(with: request).resume()
        }
    }

    func urlSession(
        _ session: URLSession, task: URLSessionTask, willPerformHTTPRedirection response: HTTPURLResponse,
        newRequest request: URLRequest, completionHandler: @escaping @Sendable (URLRequest?) -> Void
    ) {
        completionHandler(nil)
    }

    func urlSession(
        _ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
        completionHandler: @escaping @Sendable (URLSession.ResponseDisposition) -> Void
    ) {
        guard let http = response as? HTTPURLResponse else {
            completionHandler(.cancel)
            return
        }
        let declared = Self.declaredSize(http)
        let tooLarge = state.withLock { state -> Bool in
            state.response.status = http.statusCode
            state.response.location = http.value(forHTTPHeaderField: "Location")
            state.response.declaredSize = declared
            state.response.exceededCap = (declared ?? 0) > cap && (200..<300).contains(http.statusCode)
            return state.response.exceededCap
        }
        completionHandler(tooLarge ? .cancel : .allow)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        let overflow = state.withLock { state -> Bool in
            let room = cap + 1 - state.response.body.count
            state.response.body.append(contentsOf: data.prefix(max(0, room)))
            if state.response.body.count > cap { state.response.exceededCap = true }
            return state.response.exceededCap
        }
        if overflow { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        let (continuation, result) = state.withLock { state -> (CheckedContinuation<Result<Response, RemoteFetchError>, Never>?, Result<Response, RemoteFetchError>) in
            let continuation = state.continuation
            state.continuation = nil
            if let error, !state.response.exceededCap {
                return (continuation, .failure(.transport(Self.describe(error))))
            }
            return (continuation, .success(state.response))
        }
        continuation?.resume(returning: result)
    }

    /// A short reason for a transport error (URLSession's localized texts on Linux only give the numeric code).
    private static func describe(_ error: any Error) -> String {
        guard let urlError = error as? URLError else { return error.localizedDescription }
        switch urlError.code {
        case .timedOut: return "timed out"
        case .cannotConnectToHost: return "connection refused"
        case .networkConnectionLost: return "connection lost"
        case .secureConnectionFailed, .serverCertificateUntrusted, .serverCertificateHasBadDate: return "TLS failure"
        default: return "URL error \(urlError.code.rawValue)"
        }
    }

    /// The full size from `Content-Range: bytes a-b/total`, else `Content-Length` of a 200.
    private static func declaredSize(_ response: HTTPURLResponse) -> Int? {
        if let range = response.value(forHTTPHeaderField: "Content-Range"),
           let total = range.split(separator: "/").last.flatMap({ Int($0) }) {
            return total
        }
        if response.statusCode == 200, let length = response.value(forHTTPHeaderField: "Content-Length") {
            return Int(length)
        }
        return nil
    }
}

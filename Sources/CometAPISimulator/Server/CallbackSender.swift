import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Posts legacy-shaped status callbacks to `callback_url`s, loopback only (the simulator must never call out).
struct CallbackSender: Sendable {
    let httpClient: HTTPClient

    /// Whether `url` points at this machine.
    static func isLoopback(_ url: String) -> Bool {
        guard let host = URL(string: url)?.host?.lowercased() else { return false }
        return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host) || host.hasPrefix("127.")
    }

    /// Posts `body` to `url`; true when the receiver answered 2xx.
    func post(_ body: [UInt8], to url: String) async -> Bool {
        guard Self.isLoopback(url) else { return false }
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        do {
            let response = try await httpClient.execute(request, timeout: .seconds(5))
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return (200...299).contains(Int(response.status.code))
        } catch {
            return false
        }
    }
}

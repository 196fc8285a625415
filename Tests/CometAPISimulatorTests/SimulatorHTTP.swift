import AsyncHTTPClient
import CometAPISimulator
import Foundation
import NIOCore
import NIOHTTP1

/// Raw HTTP calls to a simulator (below the CometAPI client), for checks of wire details.
struct SimulatorHTTP {
    let simulator: CometAPISimulator
    /// The bearer key to send; `nil` sends no Authorization header.
    var key: String? = "k"

    struct Answer {
        var status: Int
        var headers: HTTPHeaders
        var json: [String: Any]
        var body: [UInt8]

        /// The top-level business `code`, when present.
        var code: Int? { number("code") }

        /// A top-level integer field.
        func number(_ key: String) -> Int? { json[key] as? Int }
    }

    func call(_ method: HTTPMethod, _ path: String, body: Any? = nil, headers extra: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: simulator.baseURL!.absoluteString + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        for (name, value) in extra { request.headers.replaceOrAdd(name: name, value: value) }
        if let body {
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let bytes = Array(buffer: try await response.body.collect(upTo: 1 << 20))
        let json = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
        return Answer(status: Int(response.status.code), headers: response.headers, json: json, body: bytes)
    }

    func create(_ fields: [String: Any]) async throws -> Answer {
        try await call(.POST, "/kling/v1/videos/avatar/image2video", body: fields)
    }
}

import Foundation
import Hummingbird
import NIOCore

/// An answer before it becomes a Hummingbird `Response`, so faults can still cut or drop its body.
struct SimulatorAnswer: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    var headers: [(String, String)] = []
    /// When set, the body is written in ``trickleChunks`` pieces spread evenly over this time (the `slow-body`
    /// fault); the head, with the full `Content-Length`, goes out at once.
    var bodySpread: Duration?

    /// How many pieces a trickled body is cut into.
    static let trickleChunks = 8

    /// A JSON answer.
    static func json(_ status: Int, _ value: some Encodable) -> SimulatorAnswer {
        SimulatorAnswer(status: status, body: WireBodies.encode(value))
    }

    /// Kling's error body (or CometAPI's nesting of it when `shape` is wrapped).
    static func klingError(
        _ status: Int,
        code: Int,
        message: String,
        shape: SimulatorConfiguration.ResponseShape,
        retryAfter: Int? = nil
    ) -> SimulatorAnswer {
        let error = WireBodies.KlingError(code: code, message: message, request_id: newRequestID())
        var answer: SimulatorAnswer = switch shape {
        case .plain: .json(status, error)
        case .wrapped: .json(status, WireBodies.NestedError(message: message, data: .init(data: error, message: message)))
        }
        if let retryAfter { answer.headers.append(("Retry-After", String(retryAfter))) }
        return answer
    }

    /// CometAPI's own `{"error": …}` envelope, the request id embedded in the message as CometAPI does.
    static func cometError(_ status: Int, code: String, message: String) -> SimulatorAnswer {
        .json(status, WireBodies.CometError(error: .init(code: code, message: "\(message) (request id: \(newRequestID()))")))
    }

    /// A gateway's HTML page.
    static func html(_ status: Int, title: String) -> SimulatorAnswer {
        SimulatorAnswer(status: status, body: Array(WireBodies.htmlPage(status: status, title: title).utf8), contentType: "text/html")
    }

    /// A fresh request id.
    static func newRequestID() -> String { UUID().uuidString.lowercased() }

    /// The Hummingbird response.
    var response: Response {
        var fields = HTTPFields()
        fields[.contentType] = contentType
        for (name, value) in headers {
            if let fieldName = HTTPFields.Element.Name(name) { fields[fieldName] = value }
        }
        return Response(status: HTTPResponse.Status(code: status), headers: fields, body: responseBody)
    }

    private var responseBody: ResponseBody {
        guard let spread = bodySpread, !body.isEmpty else { return ResponseBody(byteBuffer: ByteBuffer(bytes: body)) }
        let pieces = Self.pieces(of: body, count: Self.trickleChunks)
        let pause = spread / pieces.count
        return ResponseBody(contentLength: body.count) { writer in
            for piece in pieces {
                try await writer.write(ByteBuffer(bytes: piece))
                try await Task.sleep(for: pause)
            }
            try await writer.finish(nil)
        }
    }

    /// `bytes` cut into at most `count` consecutive non-empty pieces.
    static func pieces(of bytes: [UInt8], count: Int) -> [ArraySlice<UInt8>] {
        let size = max(1, (bytes.count + count - 1) / count)
        return stride(from: 0, to: bytes.count, by: size).map { bytes[$0..<min($0 + size, bytes.count)] }
    }
}

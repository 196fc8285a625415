import Foundation
import Hummingbird
import NIOCore

/// An answer before it becomes a Hummingbird `Response`, so faults can still cut or drop its body.
struct SimulatorAnswer: Sendable {
    var status: Int
    var body: [UInt8]
    var contentType = "application/json"
    var headers: [(String, String)] = []

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
        return Response(
            status: HTTPResponse.Status(code: status),
            headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}

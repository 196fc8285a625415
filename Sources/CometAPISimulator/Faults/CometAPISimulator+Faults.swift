import Foundation
import Hummingbird
import NIOCore

extension CometAPISimulator {
    /// The fault for this request: an `X-Sim-Fault` header wins, then the queue, then the configured rates.
    func chooseFault(for route: FaultRoute, request: Request) -> SimulatedFault? {
        let named = request.headers[SimulatorHeaders.fault].flatMap(SimulatedFault.init(rawValue:))
        return state.withLock { state in
            let fault = named ?? state.faults.next(for: route, using: &state.random)
            if let fault { state.account.count { $0.faultsInjected[fault.rawValue, default: 0] += 1 } }
            return fault
        }
    }

    /// The answer of a fault that replaces processing (error bodies, resets before reading).
    func answer(
        for fault: SimulatedFault,
        shape: SimulatorConfiguration.ResponseShape,
        channel: any Channel
    ) async -> SimulatorAnswer {
        if let (status, code, message) = fault.errorAnswer {
            let retryAfter = code == 1302 || code == 1303 ? configuration.retryAfterSeconds : nil
            return .klingError(status, code: code, message: message, shape: shape, retryAfter: retryAfter)
        }
        switch fault {
        case .gateway524:
            return .html(524, title: "A timeout occurred")
        case .html502:
            return .html(502, title: "Bad Gateway")
        case .redirect301:
            var answer = SimulatorAnswer.html(301, title: "Moved Permanently")
            answer.headers.append(("Location", "https://www.cometapi.com/"))
            return answer
        case .cometInvalidRequest:
            return .cometError(500, code: "invalid_request", message: "invalid request: malformed body")
        case .cometUnauthorized:
            return .cometError(401, code: "", message: "invalid token")
        default:
            await Self.reset(channel)
            return SimulatorAnswer(status: 500, body: [])
        }
    }

    /// Applies a fault that shows after the request took effect.
    func apply(_ fault: SimulatedFault, to answer: SimulatorAnswer, channel: any Channel) async -> SimulatorAnswer {
        switch fault {
        case .slow:
            try? await Task.sleep(for: configuration.slowResponseDelay)
            return answer
        case .noAnswer:
            try? await Task.sleep(for: configuration.noAnswerHold)
            await Self.reset(channel)
            return answer
        case .resetAfterRead:
            await Self.reset(channel)
            return answer
        case .malformedJSON:
            return SimulatorAnswer(status: 200, body: Array(answer.body.prefix(max(1, answer.body.count / 2))))
        case .emptyBody:
            return SimulatorAnswer(status: 200, body: [])
        case .slowBody:
            var slowed = answer
            slowed.bodySpread = configuration.slowResponseDelay
            return slowed
        default:
            return answer
        }
    }

    /// Closes the connection with a TCP reset (SO_LINGER 0) rather than an orderly FIN.
    static func reset(_ channel: any Channel) async {
        if let provider = channel as? any SocketOptionProvider {
            _ = try? await provider.setSoLinger(linger(l_onoff: 1, l_linger: 0)).get()
        }
        try? await channel.close()
    }
}

/// Request headers the simulator understands.
enum SimulatorHeaders {
    /// `X-Sim-Fault: <fault name>` injects that fault into this request.
    static let fault = HTTPFields.Element.Name("X-Sim-Fault")!
    /// `X-Sim-Shape: plain|wrapped` overrides the configured response shape for this request.
    static let shape = HTTPFields.Element.Name("X-Sim-Shape")!
}

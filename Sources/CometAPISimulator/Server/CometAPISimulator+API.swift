import Foundation
import Hummingbird
import NIOCore

extension CometAPISimulator {
    static let createPath = "/kling/v1/videos/avatar/image2video"
    static let speechPath = "/kling/v1/audio/tts"

    func makeRouter() -> Router<SimulatorRequestContext> {
        let router = Router(context: SimulatorRequestContext.self)
        router.post(RouterPath(Self.createPath)) { request, context in
            await self.serve(.create, request: request, context: context) { shape in await self.create(request, shape: shape) }
        }
        router.get(RouterPath(Self.createPath + "/{id}")) { request, context in
            let identifier = context.parameters.get("id") ?? ""
            return await self.serve(.query, request: request, context: context) { shape in self.query(identifier, shape: shape) }
        }
        router.get(RouterPath(Self.createPath)) { request, context in
            await self.serve(.query, request: request, context: context) { shape in self.list(request, shape: shape) }
        }
        router.post(RouterPath(Self.speechPath)) { request, context in
            await self.serve(.tts, request: request, context: context) { shape in await self.speech(request, shape: shape) }
        }
        addControlRoutes(to: router)
        return router
    }

    /// The common path of every API request: count, fault, authorize, process, fault again.
    private func serve(
        _ route: FaultRoute,
        request: Request,
        context: SimulatorRequestContext,
        process: (SimulatorConfiguration.ResponseShape) async -> SimulatorAnswer
    ) async -> Response {
        state.withLock { state in
            state.account.count {
                switch route {
                case .create: $0.createRequestsTotal += 1
                case .query: $0.queriesTotal += 1
                case .tts: $0.speechRequestsTotal += 1
                case .any: break
                }
            }
        }
        let shape = request.headers[SimulatorHeaders.shape].flatMap(SimulatorConfiguration.ResponseShape.init(rawValue:))
            ?? configuration.responseShape
        let fault = chooseFault(for: route, request: request)
        if let fault, !fault.processesRequest {
            return await answer(for: fault, shape: shape, channel: context.channel).response
        }
        if let refusal = authorize(request, shape: shape) { return refusal.response }
        let answer = await process(shape)
        guard let fault else { return answer.response }
        return await apply(fault, to: answer, channel: context.channel).response
    }

    /// 401 with 1001 (no header), 1002 (not a bearer token) or 1000 (wrong key); `nil` when authorized.
    private func authorize(_ request: Request, shape: SimulatorConfiguration.ResponseShape) -> SimulatorAnswer? {
        let refusal: (Int, String)?
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count != 2 || parts[0].lowercased() != "bearer" || parts[1].isEmpty {
                refusal = (1002, "Authorization is invalid")
            } else if let key = configuration.apiKey, parts[1] != key {
                refusal = (1000, "authentication failed")
            } else {
                refusal = nil
            }
        } else {
            refusal = (1001, "Authorization is empty")
        }
        guard let (code, message) = refusal else { return nil }
        state.withLock { $0.account.count { $0.unauthorizedTotal += 1 } }
        return .klingError(401, code: code, message: message, shape: shape)
    }

    private func create(_ request: Request, shape: SimulatorConfiguration.ResponseShape) async -> SimulatorAnswer {
        let body: [UInt8]
        do {
            body = Array(buffer: try await request.body.collect(upTo: 24 << 20))
        } catch {
            return validationRefusal(ValidationFailure(code: 1200, message: "request body is larger than 24 MB"), shape: shape)
        }
        let validated: ValidatedCreateRequest
        switch validator.validate(body) {
        case .success(let value): validated = value
        case .failure(let failure): return validationRefusal(failure, shape: shape)
        }
        let now = Date()
        let created = state.withLock { state -> Result<SimulatedTask, SimulatedAccount.CreateRefusal> in
            let range = configuration.taskSeconds
            let lifetime = Double.random(in: range.lowerBound...max(range.lowerBound, range.upperBound), using: &state.random)
            let fails = Double.random(in: 0..<1, using: &state.random) < configuration.failureRate
            let outcome: SimulatedTask.Outcome = fails
                ? .failed(message: Self.failureMessages.randomElement(using: &state.random) ?? "failed")
                : .succeed(videoSeconds: configuration.videoSeconds)
            return state.account.create(
                validated, now: now, lifetimeSeconds: lifetime, outcome: outcome,
                enforceUniqueExternalID: configuration.enforceUniqueExternalTaskID
            )
        }
        switch created {
        case .failure(.duplicateExternalTaskID(let external)):
            return .klingError(400, code: 1201, message: "external_task_id \(external) already exists", shape: shape)
        case .success(let task):
            let millis = Int64(now.timeIntervalSince1970 * 1000)
            return .json(200, WireBodies.Plain(request_id: SimulatorAnswer.newRequestID(), data: WireBodies.Created(
                task_id: task.taskID, task_info: .init(external_task_id: task.externalTaskID),
                created_at: millis, updated_at: millis
            )))
        }
    }

    static let failureMessages = [
        "Failure to pass the risk control system",
        "the face in the image could not be detected",
        "audio could not be aligned with the portrait",
    ]

    private func validationRefusal(_ failure: ValidationFailure, shape: SimulatorConfiguration.ResponseShape) -> SimulatorAnswer {
        state.withLock { $0.account.count { $0.validationFailuresTotal += 1 } }
        return .klingError(400, code: failure.code, message: failure.message, shape: shape)
    }

    private func query(_ identifier: String, shape: SimulatorConfiguration.ResponseShape) -> SimulatorAnswer {
        let now = Date()
        let (task, base) = state.withLock { state in
            let task = state.account.task(identifiedBy: identifier, allowExternalID: configuration.allowsQueryByExternalTaskID)
            if let task { state.account.noteQueried(task.taskID) }
            return (task, state.baseURL)
        }
        guard let task else {
            return .klingError(404, code: 1203, message: "task \(identifier.prefix(80)) does not exist", shape: shape)
        }
        let object = WireBodies.TaskObject(task, now: now, videoBaseURL: base)
        switch shape {
        case .plain: return .json(200, WireBodies.Plain(request_id: SimulatorAnswer.newRequestID(), data: object))
        case .wrapped: return .json(200, WireBodies.Wrapped(object))
        }
    }

    private func list(_ request: Request, shape: SimulatorConfiguration.ResponseShape) -> SimulatorAnswer {
        let pageNumber = request.uri.queryParameters.get("pageNum", as: Int.self) ?? 1
        let pageSize = request.uri.queryParameters.get("pageSize", as: Int.self) ?? 30
        guard (1...1000).contains(pageNumber), (1...500).contains(pageSize) else {
            return validationRefusal(
                ValidationFailure(code: 1201, message: "pageNum must be 1–1000 and pageSize 1–500, got \(pageNumber) and \(pageSize)"),
                shape: shape
            )
        }
        let now = Date()
        let (tasks, base) = state.withLock { ($0.account.page(number: pageNumber, size: pageSize), $0.baseURL) }
        let objects = tasks.map { WireBodies.TaskObject($0, now: now, videoBaseURL: base) }
        return .json(200, WireBodies.Plain(request_id: SimulatorAnswer.newRequestID(), data: objects))
    }

    private func speech(_ request: Request, shape: SimulatorConfiguration.ResponseShape) async -> SimulatorAnswer {
        let body = (try? await request.body.collect(upTo: 1 << 20)).map { Array(buffer: $0) } ?? []
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            return validationRefusal(ValidationFailure(code: 1200, message: "request body is not a JSON object"), shape: shape)
        }
        guard let text = object["text"] as? String, !text.isEmpty, text.count <= 1000 else {
            return validationRefusal(ValidationFailure(code: 1201, message: "text is required, at most 1000 characters"), shape: shape)
        }
        guard let voice = object["voice_id"] as? String, !voice.isEmpty,
              let language = object["voice_language"] as? String, language == "zh" || language == "en" else {
            return validationRefusal(ValidationFailure(code: 1201, message: "Voice id not found"), shape: .wrapped)
        }
        let id = "audio-\(SimulatorAnswer.newRequestID())"
        let seconds = max(2, Double(text.count) / 15)
        let base = state.withLock { $0.baseURL }
        return .json(200, WireBodies.Plain(request_id: SimulatorAnswer.newRequestID(), data: WireBodies.Speech(
            task_id: id,
            task_result: .init(audios: [.init(id: id, url: "\(base)/_sim/audio/\(id).mp3", duration: String(format: "%.1f", seconds))])
        )))
    }
}

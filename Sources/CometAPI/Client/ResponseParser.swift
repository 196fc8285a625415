import Foundation
import NIOHTTP1
import StrictJSON

/// Reads CometAPI answers (status, headers, body) into values or classified ``CometAPIError``s.
///
/// Pure: no I/O, so every shape the API can send is tested directly. Accepts the plain Kling object and CometAPI's
/// wrapper (`data.status` plus the raw object under `data.data`), ids as strings or numbers, `succeed` and `succeeded`.
struct ResponseParser: Sendable {
    /// Scrubs the key out of anything copied from a body.
    let apiKey: APIKey

    /// The body of a successful create, or the error it means.
    func createdTask(status: Int, headers: HTTPHeaders, body: [UInt8]) throws(CometAPIError) -> CreatedAvatarTask {
        let operation = CometAPIError.Operation.createAvatarTask
        let root = try checkedRoot(operation: operation, status: status, headers: headers, body: body)
        let task = Self.taskObject(in: root)
        guard let taskID = task?["task_id"]?.text ?? task?["id"]?.text else {
            throw unreadable(operation, status: status, body: body, root: root, reason: "the create answer has no task_id")
        }
        return CreatedAvatarTask(
            taskID: taskID,
            status: Self.statusText(in: root).flatMap(AvatarTaskStatus.init(wireValue:)),
            externalTaskID: Self.externalTaskID(in: task),
            createdAt: task?["created_at"]?.millisecondsDate,
            requestID: Self.requestID(in: root)
        )
    }

    /// The body of a successful query, or the error it means.
    func task(status: Int, headers: HTTPHeaders, body: [UInt8]) throws(CometAPIError) -> AvatarTask {
        let operation = CometAPIError.Operation.queryAvatarTask
        let root = try checkedRoot(operation: operation, status: status, headers: headers, body: body)
        guard let task = Self.taskObject(in: root),
              let taskID = task["task_id"]?.text ?? task["id"]?.text ?? root["data"]?["task_id"]?.text else {
            throw unreadable(operation, status: status, body: body, root: root, reason: "the query answer has no task_id")
        }
        guard let statusText = Self.statusText(in: root), var taskStatus = AvatarTaskStatus(wireValue: statusText) else {
            let seen = Self.statusText(in: root) ?? "nothing"
            throw unreadable(operation, status: status, body: body, root: root, reason: "unknown task status \(seen)")
        }
        let videos = Self.videos(in: task)
        var statusMessage = task["task_status_msg"]?.text ?? root["data"]?["fail_reason"]?.text
        if taskStatus == .succeeded && !videos.contains(where: { !$0.url.isEmpty }) {
            taskStatus = .failed
            statusMessage = "the API reported success but returned no video URL"
                + (statusMessage.map { " (\($0))" } ?? "")
        }
        let balance = task["final_balance_deduction"]
        return AvatarTask(
            taskID: taskID,
            externalTaskID: Self.externalTaskID(in: task),
            status: taskStatus,
            statusMessage: statusMessage.map(apiKey.redact),
            videos: videos,
            createdAt: task["created_at"]?.millisecondsDate ?? task["create_time"]?.millisecondsDate,
            updatedAt: task["updated_at"]?.millisecondsDate ?? task["update_time"]?.millisecondsDate,
            finalUnitDeduction: task["final_unit_deduction"]?.text,
            finalBalanceDeduction: balance?.object == nil ? nil
                : BalanceDeduction(quota: balance?["quota"]?.text, listPrice: balance?["list_price"]?.text),
            requestID: Self.requestID(in: root)
        )
    }

    /// The body of a successful TTS call, or the error it means.
    func speech(status: Int, headers: HTTPHeaders, body: [UInt8]) throws(CometAPIError) -> GeneratedSpeech {
        let operation = CometAPIError.Operation.createSpeech
        let root = try checkedRoot(operation: operation, status: status, headers: headers, body: body)
        let task = Self.taskObject(in: root)
        guard let audio = task?["task_result"]?["audios"]?.array?.first, let audioID = audio["id"]?.text else {
            throw unreadable(operation, status: status, body: body, root: root, reason: "the TTS answer has no audio id")
        }
        return GeneratedSpeech(
            audioID: audioID,
            url: audio["url"]?.text,
            durationSeconds: audio["duration"]?.doubleValue,
            requestID: Self.requestID(in: root)
        )
    }

    // MARK: - Success check and error classification

    /// The parsed root object when the answer is HTTP 2xx with business code 0; otherwise the classified error.
    func checkedRoot(
        operation: CometAPIError.Operation,
        status: Int,
        headers: HTTPHeaders,
        body: [UInt8]
    ) throws(CometAPIError) -> JSONValue {
        let retryAfter = headers.first(name: "Retry-After").flatMap(RetryAfter.init(headerValue:))
        if (300...399).contains(status) {
            let location = headers.first(name: "Location").map { " to \(apiKey.redact($0))" } ?? ""
            throw CometAPIError(
                kind: .permanent, operation: operation, httpStatus: status,
                message: "redirected\(location): the base URL or path is wrong (redirects are not followed)",
                bodyExcerpt: excerpt(body)
            )
        }
        // Strict syntax, lenient Unicode: a message cut inside a surrogate pair still reads, with U+FFFD there.
        guard let root = try? JSONValue(parsing: body, invalidUnicode: .replace), root.object != nil else {
            let success = (200...299).contains(status)
            let what = body.isEmpty ? "an empty body" : "a body that is not a JSON object"
            throw CometAPIError(
                kind: success ? ErrorClassification.kindForUnreadableSuccess(operation: operation)
                    : ErrorClassification.kind(forHTTPStatus: status, operation: operation),
                operation: operation, httpStatus: status,
                message: "HTTP \(status) with \(what)", retryAfter: retryAfter, bodyExcerpt: excerpt(body)
            )
        }
        if let envelope = root["error"]?.object, root["code"] == nil {
            let code = envelope["code"]?.text
            let message = envelope["message"]?.text ?? "CometAPI error without a message"
            let kind: CometAPIError.Kind = status == 500 && code == "invalid_request" ? .permanent
                : ErrorClassification.kind(forHTTPStatus: status, operation: operation)
            throw CometAPIError(
                kind: kind, operation: operation, httpStatus: status, errorCode: code,
                message: apiKey.redact(String(message.prefix(400))),
                requestID: Self.embeddedRequestID(in: message), retryAfter: retryAfter
            )
        }
        let topCode = root["code"]
        let nested = root["data"]?["data"]
        let nestedCode = nested?["code"]?.integerValue
        let topIsSuccessWord = topCode?.text.map { ["success", "succeed", "ok"].contains($0.lowercased()) } ?? false
        let code: Int64? = topCode?.integerValue.flatMap { $0 != 0 ? $0 : nil } ?? nestedCode.flatMap { $0 != 0 ? $0 : nil }
            ?? (topIsSuccessWord ? 0 : topCode?.integerValue ?? nestedCode)
        if let code, code != 0 {
            let message = root["message"]?.text ?? nested?["message"]?.text ?? "business code \(code)"
            let kind = ErrorClassification.kind(forBusinessCode: Int(code))
                ?? ErrorClassification.kind(forHTTPStatus: (200...299).contains(status) ? 200 : status, operation: operation)
            throw CometAPIError(
                kind: kind, operation: operation, httpStatus: status, businessCode: Int(code),
                message: apiKey.redact(String(message.prefix(400))),
                requestID: Self.requestID(in: root), retryAfter: retryAfter
            )
        }
        guard (200...299).contains(status) else {
            throw CometAPIError(
                kind: ErrorClassification.kind(forHTTPStatus: status, operation: operation),
                operation: operation, httpStatus: status,
                message: apiKey.redact(String((root["message"]?.text ?? "HTTP \(status)").prefix(400))),
                requestID: Self.requestID(in: root), retryAfter: retryAfter
            )
        }
        guard code == 0 else {
            throw unreadable(operation, status: status, body: body, root: root, reason: "the answer has no business code")
        }
        return root
    }

    private func unreadable(
        _ operation: CometAPIError.Operation,
        status: Int,
        body: [UInt8],
        root: JSONValue?,
        reason: String
    ) -> CometAPIError {
        CometAPIError(
            kind: ErrorClassification.kindForUnreadableSuccess(operation: operation), operation: operation,
            httpStatus: status, message: reason, requestID: root.flatMap(Self.requestID(in:)), bodyExcerpt: excerpt(body)
        )
    }

    /// The first ``CometAPIError/maximumExcerptLength`` characters of `body`, one line, key and bearer tokens redacted.
    func excerpt(_ body: [UInt8]) -> String? {
        guard !body.isEmpty else { return nil }
        let head = String(decoding: body.prefix(CometAPIError.maximumExcerptLength * 4), as: UTF8.self)
        var line = String(head.map { $0.isNewline || $0 == "\t" ? " " : $0 })
        line = apiKey.redact(line)
        line = line.replacingOccurrences(of: #"(?i)bearer\s+\S+"#, with: "Bearer [REDACTED]", options: .regularExpression)
        return String(line.prefix(CometAPIError.maximumExcerptLength))
    }

    // MARK: - Shape navigation

    /// The task object: `data` in the plain shape, `data.data` in the wrapper shape.
    static func taskObject(in root: JSONValue) -> JSONValue? {
        guard let data = root["data"], data.object != nil else { return nil }
        if let inner = data["data"], inner["task_id"] != nil || inner["task_status"] != nil || inner["task_result"] != nil {
            return inner
        }
        return data
    }

    /// The task's status word: the raw object's `task_status` (or new-dialect `status`), else the wrapper's `data.status`.
    static func statusText(in root: JSONValue) -> String? {
        let task = taskObject(in: root)
        return task?["task_status"]?.text ?? task?["status"]?.text ?? root["data"]?["status"]?.text
    }

    static func externalTaskID(in task: JSONValue?) -> String? {
        task?["task_info"]?["external_task_id"]?.text ?? task?["external_task_id"]?.text ?? task?["external_id"]?.text
    }

    static func requestID(in root: JSONValue) -> String? {
        root["request_id"]?.text ?? root["data"]?["request_id"]?.text ?? root["data"]?["data"]?["request_id"]?.text
    }

    /// CometAPI embeds its request id in error messages: `… (request id: 2025…)`.
    static func embeddedRequestID(in message: String) -> String? {
        guard let range = message.range(of: "request id:", options: .caseInsensitive) else { return nil }
        let tail = message[range.upperBound...].trimmingCharacters(in: .whitespaces)
        let id = tail.prefix { !$0.isWhitespace && $0 != ")" }
        return id.isEmpty ? nil : String(id)
    }

    static func videos(in task: JSONValue) -> [AvatarVideo] {
        let classic = task["task_result"]?["videos"]?.array ?? []
        let outputs = (task["outputs"]?.array ?? []).filter { ($0["type"]?.text ?? "video") == "video" }
        return (classic + outputs).compactMap { video in
            guard let url = video["url"]?.text else { return nil }
            return AvatarVideo(
                id: video["id"]?.text, url: url, watermarkURL: video["watermark_url"]?.text,
                durationSeconds: video["duration"]?.doubleValue
            )
        }
    }
}

@testable import CometAPI
import Foundation
import NIOHTTP1
import Testing

@Suite("Response parser: both shapes, every error class")
struct ResponseParserTests {
    let key = try! APIKey("sk-secret-ABCDEF0123456789")
    var parser: ResponseParser { ResponseParser(apiKey: key) }

    func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

    /// The error `parse` throws; records an issue when it succeeds.
    func parseError(_ parse: () throws(CometAPIError) -> Any) throws -> CometAPIError {
        do {
            _ = try parse()
        } catch {
            return error
        }
        Issue.record("expected an error")
        throw CancellationError()
    }

    func queryError(_ status: Int, _ body: String, headers: HTTPHeaders = [:]) throws -> CometAPIError {
        try parseError { () throws(CometAPIError) in try parser.task(status: status, headers: headers, body: bytes(body)) }
    }

    func createError(_ status: Int, _ body: String, headers: HTTPHeaders = [:]) throws -> CometAPIError {
        try parseError { () throws(CometAPIError) in try parser.createdTask(status: status, headers: headers, body: bytes(body)) }
    }

    @Test("plain Kling shape with numeric id, ms timestamps, charges and unknown fields")
    func plainShape() throws {
        let body = """
            {"code":0,"message":"SUCCEED","request_id":"r-1","surprise":{"x":1},"data":{"task_id":878106242831892487,
            "task_status":"succeed","task_info":{"external_task_id":"job-1"},"created_at":1777385361501,
            "updated_at":1777385363321,"final_unit_deduction":"2.0","final_balance_deduction":{"quota":"0.28","list_price":"0.3"},
            "task_result":{"videos":[{"id":"v1","url":"https://cdn.test/v.mp4","watermark_url":"https://cdn.test/w.mp4","duration":"5.2"}]}}}
            """
        let task = try parser.task(status: 200, headers: [:], body: bytes(body))
        #expect(task.taskID == "878106242831892487")
        #expect(task.status == .succeeded)
        #expect(task.externalTaskID == "job-1")
        #expect(task.createdAt == Date(timeIntervalSince1970: 1_777_385_361.501))
        #expect(task.videos == [AvatarVideo(id: "v1", url: "https://cdn.test/v.mp4", watermarkURL: "https://cdn.test/w.mp4", durationSeconds: 5.2)])
        #expect(task.finalUnitDeduction == "2.0")
        #expect(task.finalBalanceDeduction == BalanceDeduction(quota: "0.28", listPrice: "0.3"))
        #expect(task.requestID == "r-1")
    }

    @Test("CometAPI wrapper: data.status and the raw object under data.data")
    func wrappedShape() throws {
        let body = """
            {"code":"success","message":"","data":{"task_id":"42","status":"SUCCESS","progress":"100%",
            "data":{"task_id":"42","task_status":"succeed","task_result":{"videos":[{"url":"https://cdn.test/v.mp4","duration":"3"}]}}}}
            """
        let task = try parser.task(status: 200, headers: [:], body: bytes(body))
        #expect(task.status == .succeeded)
        #expect(task.videos.first?.url == "https://cdn.test/v.mp4")
    }

    @Test("wrapper without a task_status falls back to data.status", arguments: [
        ("IN_PROGRESS", AvatarTaskStatus.processing), ("FAILURE", .failed), ("NOT_START", .submitted),
    ])
    func wrapperStatus(word: String, expected: AvatarTaskStatus) throws {
        let body = #"{"code":0,"data":{"status":"\#(word)","fail_reason":"why","data":{"task_id":"7"}}}"#
        #expect(try parser.task(status: 200, headers: [:], body: bytes(body)).status == expected)
    }

    @Test("succeeded spelling and outputs of the new dialect are accepted")
    func succeededSpelling() throws {
        let body = #"{"code":0,"data":{"id":"9","status":"succeeded","outputs":[{"type":"video","url":"https://x.test/v.mp4"}]}}"#
        let task = try parser.task(status: 200, headers: [:], body: bytes(body))
        #expect(task.status == .succeeded)
        #expect(task.videos.count == 1)
    }

    @Test("success without a video URL is a failure")
    func successWithoutURL() throws {
        let body = #"{"code":0,"data":{"task_id":"1","task_status":"succeed","task_result":{"videos":[]}}}"#
        let task = try parser.task(status: 200, headers: [:], body: bytes(body))
        #expect(task.status == .failed)
        #expect(task.statusMessage?.contains("no video URL") == true)
    }

    @Test("a failed task carries task_status_msg")
    func failedTask() throws {
        let body = #"{"code":0,"data":{"task_id":"1","task_status":"failed","task_status_msg":"risk control"}}"#
        let task = try parser.task(status: 200, headers: [:], body: bytes(body))
        #expect(task.status == .failed)
        #expect(task.statusMessage == "risk control")
    }

    @Test("create answer with string id")
    func created() throws {
        let body = #"{"code":0,"message":"SUCCEED","data":{"task_id":"5","task_status":"submitted","task_info":{"external_task_id":"e"},"created_at":1000}}"#
        let created = try parser.createdTask(status: 200, headers: [:], body: bytes(body))
        #expect(created == CreatedAvatarTask(taskID: "5", status: .submitted, externalTaskID: "e", createdAt: Date(timeIntervalSince1970: 1)))
    }

    @Test("business codes decide before HTTP status, also nested at data.data.code", arguments: [
        (429, #"{"code":1303,"message":"parallel task over resource pack limit"}"#, CometAPIError.Kind.throttled, 1303),
        (429, #"{"code":1302,"message":"rate"}"#, .throttled, 1302),
        (429, #"{"code":1102,"message":"pack exhausted"}"#, .account, 1102),
        (401, #"{"code":1000,"message":"auth"}"#, .permanent, 1000),
        (400, #"{"code":1301,"message":"content"}"#, .permanent, 1301),
        (500, #"{"code":5000,"message":"internal"}"#, .transient, 5000),
        (503, #"{"code":5001,"message":"maintenance"}"#, .transient, 5001),
        (200, #"{"code":1201,"message":"bad"}"#, .permanent, 1201),
        (400, #"{"message":"Voice id not found","data":{"data":{"code":1201,"message":"Voice id not found","request_id":"q"},"message":"x"}}"#, .permanent, 1201),
        (200, #"{"code":"success","data":{"data":{"code":1303,"message":"busy"}}}"#, .throttled, 1303),
    ])
    func businessCodes(status: Int, body: String, kind: CometAPIError.Kind, code: Int) throws {
        let error = try queryError(status, body)
        #expect(error.kind == kind)
        #expect(error.businessCode == code)
        #expect(error.httpStatus == status)
    }

    @Test("CometAPI error envelope: 500 invalid_request is permanent, other 5xx transient, request id pulled out")
    func cometEnvelope() throws {
        let invalid = try queryError(500, #"{"error":{"code":"invalid_request","message":"bad body (request id: 2025X)","type":"comet_api_error"}}"#)
        #expect(invalid.kind == .permanent)
        #expect(invalid.errorCode == "invalid_request")
        #expect(invalid.requestID == "2025X")
        #expect(try queryError(500, #"{"error":{"code":"","message":"oops","type":"comet_api_error"}}"#).kind == .transient)
        #expect(try queryError(401, #"{"error":{"code":"","message":"invalid token","type":"comet_api_error"}}"#).kind == .permanent)
        #expect(try queryError(429, #"{"error":{"code":"","message":"slow down","type":"comet_api_error"}}"#).kind == .throttled)
    }

    @Test("HTML, redirects and empty bodies")
    func nonJSON() throws {
        #expect(try queryError(502, "<html><body>Bad Gateway</body></html>").kind == .transient)
        #expect(try queryError(404, "<html>Not Found</html>").kind == .permanent)
        let moved = try queryError(301, "<html>Moved</html>", headers: ["Location": "https://www.cometapi.com/"])
        #expect(moved.kind == .permanent)
        #expect(moved.message.contains("base URL or path is wrong"))
        #expect(try queryError(200, "").kind == .transient)
        #expect(try createError(200, "").kind == .ambiguous)
        #expect(try createError(200, #"{"code":0,"data":{"task_"#).kind == .ambiguous)
        #expect(try createError(200, #"{"code":0,"data":{}}"#).kind == .ambiguous)
        #expect(try queryError(200, #"{"data":{"task_id":"1","task_status":"succeed"}}"#).kind == .transient)
    }

    @Test("text cut inside a character reads with U+FFFD; a body with a byte order mark or a leading zero is not JSON")
    func invalidUnicodeAndStrictSyntax() throws {
        // A lone high surrogate escape, then a UTF-8 sequence cut after two of its three bytes.
        let body = Array(#"{"code":0,"data":{"task_id":"7","task_status":"failed","task_status_msg":"cut \ud83d"#.utf8)
            + [0xE2, 0x82] + Array(#""}}"#.utf8)
        let task = try parser.task(status: 200, headers: [:], body: body)
        #expect(task.status == .failed)
        #expect(task.statusMessage == "cut \u{FFFD}\u{FFFD}")
        let bom = [0xEF, 0xBB, 0xBF] + bytes(#"{"code":0,"data":{"task_id":"7","task_status":"succeed"}}"#)
        let error = try parseError { () throws(CometAPIError) in try parser.task(status: 200, headers: [:], body: bom) }
        #expect(error.kind == .transient && error.message.contains("not a JSON object"))
        #expect(try createError(200, #"{"code":0,"data":{"task_id":0123}}"#).kind == .ambiguous)
    }

    @Test("gateway timeouts are ambiguous for a create, transient for a query")
    func gatewayTimeouts() throws {
        #expect(try createError(524, "<html>A timeout occurred</html>").kind == .ambiguous)
        #expect(try createError(504, "").kind == .ambiguous)
        #expect(try queryError(524, "<html>A timeout occurred</html>").kind == .transient)
        #expect(try createError(502, "<html>Bad Gateway</html>").kind == .transient)
    }

    @Test("Retry-After seconds and HTTP date are read")
    func retryAfter() throws {
        let seconds = try queryError(429, #"{"code":1303,"message":"busy"}"#, headers: ["Retry-After": "7"])
        #expect(seconds.retryAfter == .seconds(7))
        let dated = try queryError(429, #"{"code":1302,"message":"busy"}"#, headers: ["Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"])
        #expect(dated.retryAfter == .date(Date(timeIntervalSince1970: 1_445_412_480)))
    }

    @Test("excerpts of unreadable bodies are short, one line and never hold the key")
    func excerptRedaction() throws {
        let body = "<html>\nAuthorization: Bearer sk-secret-ABCDEF0123456789 echoed " + String(repeating: "x", count: 500) + "</html>"
        let error = try queryError(502, body)
        let excerpt = try #require(error.bodyExcerpt)
        #expect(excerpt.count <= CometAPIError.maximumExcerptLength)
        #expect(!excerpt.contains("sk-secret"))
        #expect(!excerpt.contains("\n"))
        let echoed = try queryError(400, #"{"code":1201,"message":"bad key sk-secret-ABCDEF0123456789"}"#)
        #expect(!echoed.description.contains("sk-secret"))
    }
}

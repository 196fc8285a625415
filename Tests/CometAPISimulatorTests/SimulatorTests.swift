@testable import CometAPISimulator
import Foundation
import Hummingbird
import Synchronization
import Testing
import TestSupport
import WorkerTestSupport

@Suite("CometAPI simulator")
struct SimulatorTests {
    static var base: [String: Any] { ["image": "https://images.test/p.png", "audio_id": "a1", "prompt": "smile"] }

    func with(_ extra: [String: Any], removing: [String] = []) -> [String: Any] {
        var fields = Self.base.merging(extra) { $1 }
        for key in removing { fields.removeValue(forKey: key) }
        return fields
    }

    @Test("validation refuses what the real API refuses, naming the field", arguments: [
        (["sound_file": "QUJD"], [String](), "mutually exclusive"),
        ([:], ["audio_id"], "one of audio_id or sound_file"),
        (["prompt": String(repeating: "p", count: 2501)], [], "2500"),
        (["mode": "ultra"], [], "mode must be std or pro"),
        (["image": "data:image/png;base64,AAAA"], [], "data: prefix"),
        (["image": "not base64 !!"], [], "neither an http(s) URL nor valid base64"),
        ([:], ["image"], "image is required"),
        (["sound_file": String(repeating: "A", count: 7_200_000)], ["audio_id"], "exceeds 5 MB"),
    ] as [([String: String], [String], String)])
    func validation(extra: [String: String], removing: [String], message: String) async throws {
        try await withSimulator { simulator in
            let answer = try await SimulatorHTTP(simulator: simulator).create(with(extra, removing: removing))
            #expect(answer.status == 400)
            #expect(answer.code == 1201)
            #expect((answer.json["message"] as? String)?.contains(message) == true, "\(answer.json)")
            #expect(simulator.stats().createsTotal == 0)
            #expect(simulator.stats().validationFailuresTotal == 1)
        }
    }

    @Test("the query mark counts distinct tasks queried since it; brief stats leave out the per-id map")
    func queryMark() async throws {
        try await withSimulator { simulator in
            let http = SimulatorHTTP(simulator: simulator)
            var ids: [String] = []
            for index in 0..<3 {
                let answer = try await http.create(with(["external_task_id": "mark-\(index)"]))
                ids.append(try #require((answer.json["data"] as? [String: Any])?["task_id"] as? String))
            }
            _ = try await http.call(.GET, "/kling/v1/videos/avatar/image2video/\(ids[0])")
            #expect(simulator.stats().tasksQueriedSinceMark == 1)
            #expect(try await http.call(.POST, "/_sim/query-mark").status == 200)
            #expect(simulator.stats().tasksQueriedSinceMark == 0, "the mark starts the count again")
            for id in [ids[1], ids[1], ids[2]] { _ = try await http.call(.GET, "/kling/v1/videos/avatar/image2video/\(id)") }
            _ = try await http.call(.GET, "/kling/v1/videos/avatar/image2video/no-such-task")
            #expect(simulator.stats().tasksQueriedSinceMark == 2, "distinct tasks found, not queries")
            let brief = try await http.call(.GET, "/_sim/stats?brief=true").json
            #expect(brief["tasks_queried_since_mark"] as? Int == 2)
            #expect((brief["creates_by_external_task_id"] as? [String: Any])?.isEmpty == true)
            #expect(brief["creates_total"] as? Int == 3)
            let full = try await http.call(.GET, "/_sim/stats").json
            #expect((full["creates_by_external_task_id"] as? [String: Any])?.count == 3)
        }
    }

    @Test("a body that is not JSON is 1200")
    func unreadableBody() async throws {
        try await withSimulator { simulator in
            let answer = try await SimulatorHTTP(simulator: simulator).call(.POST, "/kling/v1/videos/avatar/image2video", body: ["x"])
            #expect(answer.code == 1200)
        }
    }

    @Test("auth: missing header 1001, not bearer 1002, wrong key 1000")
    func auth() async throws {
        var configuration = SimulatorConfiguration()
        configuration.apiKey = "right"
        try await withSimulator(configuration) { simulator in
            let http = SimulatorHTTP(simulator: simulator, key: "wrong")
            let value1 = try await http.create(Self.base)
            #expect(value1.code == 1000)
            let value2 = try await http.call(.GET, "/kling/v1/videos/avatar/image2video/1", headers: [("Authorization", "Basic x")])
            #expect(value2.code == 1002)
            let value3 = try await SimulatorHTTP(simulator: simulator, key: nil).call(.GET, "/kling/v1/videos/avatar/image2video/1")
            #expect(value3.status == 401)
            #expect(value3.code == 1001)
            let value4 = try await SimulatorHTTP(simulator: simulator, key: "right").create(Self.base)
            #expect(value4.status == 200)
            #expect(simulator.stats().unauthorizedTotal == 3)
        }
    }

    @Test("lifecycle reaches succeed with a served video, or failed with a reason")
    func lifecycle() async throws {
        for failureRate in [0.0, 1.0] {
            try await withSimulator(SimulatorConfiguration(taskSeconds: 0...0, failureRate: failureRate)) { simulator in
                let http = SimulatorHTTP(simulator: simulator)
                let created = try await http.create(Self.base)
                let id = try #require((created.json["data"] as? [String: Any])?["task_id"] as? String)
                let task = try #require(try await http.call(.GET, "/kling/v1/videos/avatar/image2video/\(id)").json["data"] as? [String: Any])
                if failureRate == 0 {
                    #expect(task["task_status"] as? String == "succeed")
                    let video = try #require(((task["task_result"] as? [String: Any])?["videos"] as? [[String: Any]])?.first)
                    let path = try #require((video["url"] as? String).flatMap(URL.init(string:))?.path)
                    let download = try await http.call(.GET, path)
                    #expect(download.status == 200)
                    #expect(download.headers.first(name: "Content-Type") == "video/mp4")
                } else {
                    #expect(task["task_status"] as? String == "failed")
                    #expect((task["task_status_msg"] as? String)?.isEmpty == false)
                }
            }
        }
    }

    @Test("a long task is submitted first, then processing")
    func earlyStatus() async throws {
        try await withSimulator(SimulatorConfiguration(taskSeconds: 600...600)) { simulator in
            let http = SimulatorHTTP(simulator: simulator)
            let id = try #require(((try await http.create(Self.base)).json["data"] as? [String: Any])?["task_id"] as? String)
            let task = try await http.call(.GET, "/kling/v1/videos/avatar/image2video/\(id)").json["data"] as? [String: Any]
            #expect(task?["task_status"] as? String == "submitted")
            #expect(simulator.stats().tasksByStatus == ["submitted": 1])
        }
    }

    @Test("external_task_id uniqueness is enforced unless switched off; stats count creates per id")
    func uniqueness() async throws {
        for enforce in [true, false] {
            var configuration = SimulatorConfiguration()
            configuration.enforceUniqueExternalTaskID = enforce
            try await withSimulator(configuration) { simulator in
                let http = SimulatorHTTP(simulator: simulator)
                let value5 = try await http.create(with(["external_task_id": "job-9"]))
                #expect(value5.status == 200)
                let second = try await http.create(with(["external_task_id": "job-9"]))
                #expect(second.status == (enforce ? 400 : 200))
                let stats = simulator.stats()
                #expect(stats.createsByExternalTaskID["job-9"] == (enforce ? 1 : 2))
                #expect(stats.doubleBilledExternalTaskIDs == (enforce ? [] : ["job-9"]))
            }
        }
    }

    @Test("query by external_task_id works only when switched on; list pages")
    func externalQueryAndList() async throws {
        for allowed in [false, true] {
            var configuration = SimulatorConfiguration()
            configuration.allowsQueryByExternalTaskID = allowed
            try await withSimulator(configuration) { simulator in
                let http = SimulatorHTTP(simulator: simulator)
                _ = try await http.create(with(["external_task_id": "ext-1"]))
                _ = try await http.create(with(["external_task_id": "ext-2"]))
                let byExternal = try await http.call(.GET, "/kling/v1/videos/avatar/image2video/ext-1")
                #expect(byExternal.status == (allowed ? 200 : 404))
                let page = try await http.call(.GET, "/kling/v1/videos/avatar/image2video?pageNum=1&pageSize=1")
                #expect((page.json["data"] as? [Any])?.count == 1)
                let bad = try await http.call(.GET, "/kling/v1/videos/avatar/image2video?pageSize=501")
                #expect(bad.code == 1201)
            }
        }
    }

    @Test("faults queued over HTTP hit the next matching requests and are counted")
    func faultQueue() async throws {
        try await withSimulator { simulator in
            let http = SimulatorHTTP(simulator: simulator)
            let queued = try await http.call(.POST, "/_sim/faults", body: ["faults": [["fault": "throttle-1302", "route": "create", "count": 2]]])
            #expect(queued.number("queued") == 2)
            let first = try await http.create(Self.base)
            #expect(first.status == 429)
            #expect(first.headers.first(name: "Retry-After") == "1")
            let value6 = try await http.create(Self.base)
            #expect(value6.code == 1302)
            let value7 = try await http.create(Self.base)
            #expect(value7.status == 200)
            let stats = try await http.call(.GET, "/_sim/stats")
            #expect((stats.json["faults_injected"] as? [String: Int])?["throttle-1302"] == 2)
            #expect(stats.number("creates_total") == 1)
            #expect(stats.number("create_requests_total") == 3)
            let bad = try await http.call(.POST, "/_sim/faults", body: ["faults": [["fault": "nonsense"]]])
            #expect(bad.status == 400)
        }
    }

    @Test("slow-body: the create takes effect and its whole body arrives, in pieces, behind an immediate head")
    func slowBody() async throws {
        var configuration = SimulatorConfiguration()
        configuration.slowResponseDelay = .milliseconds(400)
        try await withSimulator(configuration) { simulator in
            let http = SimulatorHTTP(simulator: simulator)
            let answer = try await http.call(
                .POST, "/kling/v1/videos/avatar/image2video", body: Self.base.merging(["external_task_id": "slow-1"]) { $1 },
                headers: [("X-Sim-Fault", "slow-body")])
            #expect(answer.status == 200)
            #expect(answer.headers.first(name: "Content-Length") == String(answer.body.count))
            let data = answer.json["data"] as? [String: Any]
            #expect((data?["task_id"] as? String)?.isEmpty == false, "the trickled body was not whole: \(answer.body.count) bytes")
            #expect(simulator.stats().createsByExternalTaskID["slow-1"] == 1)
            #expect(simulator.stats().faultsInjected["slow-body"] == 1)
        }
    }

    @Test("a trickled body is cut into consecutive pieces that add up to it")
    func tricklePieces() {
        let bytes = Array(0..<UInt8(19))
        let pieces = SimulatorAnswer.pieces(of: bytes, count: 8)
        #expect(pieces.count == 7)  // pieces of 3 bytes, the last one of 1
        #expect(pieces.flatMap { $0 } == bytes)
        #expect(SimulatorAnswer.pieces(of: [1, 2], count: 8).count == 2)
    }

    @Test("random faults by rate and the wrapped error shape")
    func ratesAndWrappedErrors() async throws {
        var configuration = SimulatorConfiguration(faultRates: [.account1101: 1])
        configuration.responseShape = .wrapped
        try await withSimulator(configuration) { simulator in
            let answer = try await SimulatorHTTP(simulator: simulator).create(Self.base)
            #expect(answer.status == 429)
            let nested = (answer.json["data"] as? [String: Any])?["data"] as? [String: Any]
            #expect(nested?["code"] as? Int == 1101)
        }
    }

    @Test("callbacks are posted on every status change in the legacy shape")
    func callbacks() async throws {
        let received = Mutex<[String]>([])
        let router = Router()
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let object = try JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any]
            if let status = object?["task_status"] as? String, object?["code"] == nil { received.withLock { $0.append(status) } }
            return .ok
        }
        let ports = AsyncStream<Int>.makeStream()
        let receiver = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { ports.continuation.yield($0.localAddress?.port ?? 0) }
        )
        let serving = Task { try await receiver.runService(gracefulShutdownSignals: []) }
        defer { serving.cancel() }
        var iterator = ports.stream.makeAsyncIterator()
        let port = try #require(await iterator.next())
        try await withSimulator(SimulatorConfiguration(taskSeconds: 0.3...0.3)) { simulator in
            let created = try await SimulatorHTTP(simulator: simulator).create(with(["callback_url": "http://127.0.0.1:\(port)/hook"]))
            #expect(created.status == 200)
            // The receiver records a callback before the simulator has read its answer and counted it delivered, so
            // wait for both.
            try await waitUntil("the third callback, 'succeed', received and counted delivered") {
                received.withLock { $0.last } == "succeed" && simulator.stats().callbacksDelivered == 3
            }
            #expect(received.withLock { $0 } == ["submitted", "processing", "succeed"])
            #expect(simulator.stats().callbacksDelivered == 3)
        }
    }
}

@Suite("CometAPI simulator media content checks")
struct SimulatorMediaTests {
    static let portrait = MediaFixtures.image("sim-portrait.png", width: 400, height: 600)
    static let tiny = MediaFixtures.image("sim-tiny.png", width: 200, height: 200)
    static let speech = MediaFixtures.soxTone("sim-speech.wav", seconds: 3, ["-r", "16000", "-c", "1", "-b", "16"])
    static let blip = MediaFixtures.soxTone("sim-blip.wav", seconds: 1, ["-r", "16000", "-c", "1", "-b", "16"])

    func create(image: MediaFixtures.Recipe, sound: MediaFixtures.Recipe) async throws -> SimulatorHTTP.Answer {
        try await withSimulator { simulator in
            try await SimulatorHTTP(simulator: simulator).create([
                "image": Data(try MediaFixtures.bytes(image)).base64EncodedString(),
                "sound_file": Data(try MediaFixtures.bytes(sound)).base64EncodedString(),
            ])
        }
    }

    @Test("base64 media are probed: a good portrait and 3 s of speech pass")
    func goodMedia() async throws {
        let answer = try await create(image: Self.portrait, sound: Self.speech)
        #expect(answer.status == 200)
    }

    @Test("a 200 px image and a 1 s clip are refused with 1201 naming the limit")
    func badMedia() async throws {
        let small = try await create(image: Self.tiny, sound: Self.speech)
        #expect(small.code == 1201)
        #expect((small.json["message"] as? String)?.contains("at least 300 px") == true)
        let short = try await create(image: Self.portrait, sound: Self.blip)
        #expect(short.code == 1201)
        #expect((short.json["message"] as? String)?.contains("must last 2–60 s") == true)
    }
}

import CometAPI
import CometAPISimulator
import Foundation
import Testing
import TestSupport
import WorkerTestSupport

@Suite("Client against the simulator")
struct ClientAgainstSimulatorTests {
    static let instant = SimulatorConfiguration(taskSeconds: 0...0)

    func request(_ external: String? = nil, prompt: String = "smile") -> AvatarTaskRequest {
        AvatarTaskRequest(
            image: "https://images.test/portrait.png", speech: .audioID("audio-1"), prompt: prompt, externalTaskID: external
        )
    }

    /// The error `call` throws; records an issue when it succeeds.
    func failure<T>(_ call: () async throws(CometAPIError) -> T) async -> CometAPIError? {
        do {
            _ = try await call()
            Issue.record("expected a CometAPIError")
            return nil
        } catch {
            return error
        }
    }

    @Test("create then query in the plain shape until succeed, with video and charges")
    func plainRoundTrip() async throws {
        try await withSimulator(Self.instant) { simulator in
            try await withClient(for: simulator) { client in
                let created = try await client.createAvatarTask(request("job-1"))
                #expect(created.status == .submitted)
                #expect(created.externalTaskID == "job-1")
                let task = try await client.queryAvatarTask(taskID: created.taskID)
                #expect(task.status == .succeeded)
                #expect(task.videos.first?.url.hasSuffix("/_sim/videos/\(created.taskID).mp4") == true)
                #expect(task.videos.first?.durationSeconds == 5)
                #expect(task.finalUnitDeduction != nil)
                #expect(task.externalTaskID == "job-1")
            }
        }
    }

    @Test("the wrapped shape decodes a success with its video")
    func wrappedSuccess() async throws {
        var configuration = Self.instant
        configuration.responseShape = .wrapped
        try await withSimulator(configuration) { simulator in
            try await withClient(for: simulator) { client in
                let created = try await client.createAvatarTask(request())
                let task = try await client.queryAvatarTask(taskID: created.taskID)
                #expect(task.status == .succeeded)
                #expect(task.videos.count == 1)
            }
        }
    }

    @Test("the wrapped shape and failed tasks decode")
    func wrappedFailure() async throws {
        var configuration = Self.instant
        configuration.responseShape = .wrapped
        configuration.failureRate = 1
        try await withSimulator(configuration) { simulator in
            try await withClient(for: simulator) { client in
                let created = try await client.createAvatarTask(request())
                let task = try await client.queryAvatarTask(taskID: created.taskID)
                #expect(task.status == .failed)
                #expect(task.statusMessage?.isEmpty == false)
            }
        }
    }

    @Test("each injected fault maps to its error class", arguments: [
        (SimulatedFault.throttle1303, FaultRoute.create, CometAPIError.Kind.throttled, 1303 as Int?),
        (.throttle1302, .query, .throttled, 1302),
        (.account1100, .create, .account, 1100),
        (.account1101, .create, .account, 1101),
        (.account1102, .create, .account, 1102),
        (.server5000, .query, .transient, 5000),
        (.server5001, .create, .transient, 5001),
        (.server5002, .create, .transient, 5002),
        (.gateway524, .create, .ambiguous, nil),
        (.gateway524, .query, .transient, nil),
        (.html502, .query, .transient, nil),
        (.redirect301, .create, .permanent, nil),
        (.cometInvalidRequest, .create, .permanent, nil),
        (.cometUnauthorized, .query, .permanent, nil),
        (.malformedJSON, .create, .ambiguous, nil),
        (.malformedJSON, .query, .transient, nil),
        (.emptyBody, .query, .transient, nil),
        (.resetBeforeRead, .query, .transient, nil),
        (.resetAfterRead, .query, .transient, nil),
        (.resetAfterRead, .create, .ambiguous, nil),
    ])
    func faultClasses(fault: SimulatedFault, route: FaultRoute, kind: CometAPIError.Kind, code: Int?) async throws {
        try await withSimulator(Self.instant) { simulator in
            try await withClient(for: simulator) { client in
                let existing = try await client.createAvatarTask(request())
                simulator.enqueueFault(fault, route: route)
                let error: CometAPIError? = switch route {
                case .create: await failure { () async throws(CometAPIError) in try await client.createAvatarTask(request()) }
                default: await failure { () async throws(CometAPIError) in try await client.queryAvatarTask(taskID: existing.taskID) }
                }
                #expect(error?.kind == kind, "\(fault.rawValue): \(String(describing: error))")
                #expect(error?.businessCode == code)
                if fault == .throttle1303 { #expect(error?.retryAfter == .seconds(1)) }
                if fault == .html502 { #expect(error?.bodyExcerpt?.contains("Bad Gateway") == true) }
            }
        }
    }

    @Test("an ambiguous create did create the task, and reconciling by external id finds it")
    func ambiguousCreateReconciles() async throws {
        var configuration = Self.instant
        configuration.allowsQueryByExternalTaskID = true
        try await withSimulator(configuration) { simulator in
            try await withClient(for: simulator, adjust: { $0.supportsQueryByExternalTaskID = true }) { client in
                simulator.enqueueFault(.resetAfterRead, route: .create)
                let error = await failure { () async throws(CometAPIError) in try await client.createAvatarTask(request("job-lost")) }
                #expect(error?.kind == .ambiguous)
                #expect(simulator.stats().createsByExternalTaskID["job-lost"] == 1)
                let found = try await client.queryAvatarTask(externalTaskID: "job-lost")
                #expect(found.externalTaskID == "job-lost")
                let again = await failure { () async throws(CometAPIError) in try await client.createAvatarTask(request("job-lost")) }
                #expect(again?.kind == .permanent, "a blind resubmission is refused, not billed twice")
                #expect(simulator.stats().doubleBilledExternalTaskIDs.isEmpty)
            }
        }
    }

    @Test("a create that gets no answer within the request timeout is ambiguous")
    func noAnswerIsAmbiguous() async throws {
        var configuration = Self.instant
        configuration.noAnswerHold = .seconds(12)
        try await withSimulator(configuration) { simulator in
            // The request timeout also bounds connecting and sending, and a request never sent is transient, not
            // ambiguous: 8 s leaves a loaded machine room to connect and send. The hold (12 s) starts only once the
            // simulator reads the request, so it outlasts the client's deadline with room for a late timer.
            try await withClient(for: simulator, adjust: { $0.requestTimeout = .seconds(8) }) { client in
                simulator.enqueueFault(.noAnswer, route: .create)
                let error = await failure { () async throws(CometAPIError) in try await client.createAvatarTask(request()) }
                #expect(error?.kind == .ambiguous)
                // The simulator creates the task although the client gave up: on a loaded machine it may get to the
                // request only after the client's timeout, so wait for that instead of asserting a timing.
                try await waitUntil("the simulator to create the task the client gave up on") {
                    simulator.stats().createsTotal == 1
                }
            }
        }
    }

    @Test("nothing listening: the request was never sent, so even a create is transient")
    func connectionRefused() async throws {
        // A port freed by a stopped server can be taken by a parallel test's server at once; this one stays refused.
        let refusing = try RefusingPort()
        var configuration = CometAPIConfiguration(apiKey: try APIKey("k"), baseURL: URL(string: "http://127.0.0.1:\(refusing.port)")!)
        configuration.connectTimeout = .seconds(1)
        let client = try CometAPIClient(configuration: configuration, logger: .init(label: "test"))
        let error = await failure { () async throws(CometAPIError) in try await client.createAvatarTask(request()) }
        try await client.shutdown()
        withExtendedLifetime(refusing) {}
        #expect(error?.kind == .transient)
    }

    @Test("a 1303 is classified throttled with its Retry-After, and nothing is created until the API accepts")
    func throttledCarriesRetryAfter() async throws {
        try await withSimulator(Self.instant) { simulator in
            try await withClient(for: simulator) { client in
                simulator.enqueueFault(.throttle1303, route: .create, count: 1)
                let error = await failure { () async throws(CometAPIError) in
                    _ = try await client.createAvatarTask(request("job-retry"))
                }
                #expect(error?.kind == .throttled)
                #expect(error?.businessCode == 1303)
                #expect(error?.retryAfter?.delay(from: Date()) == .seconds(1))
                #expect(simulator.stats().createsTotal == 0)
                let created = try await client.createAvatarTask(request("job-retry"))
                #expect(!created.taskID.isEmpty)
                #expect(simulator.stats().createsTotal == 1)
            }
        }
    }

    @Test("a permanent refusal is classified permanent with the business code and the API's reason")
    func permanentRefusal() async throws {
        try await withSimulator(Self.instant) { simulator in
            try await withClient(for: simulator) { client in
                let tooLong = String(repeating: "a", count: 2501)
                let error = await failure { () async throws(CometAPIError) in
                    _ = try await client.createAvatarTask(request(prompt: tooLong))
                }
                #expect(error?.kind == .permanent)
                #expect(error?.businessCode == 1201)
                #expect(error?.message.contains("2500") == true)
                #expect(simulator.stats().createsTotal == 0)
            }
        }
    }

    @Test("unknown task is permanent 1203; external-id queries are refused while switched off")
    func unknownTask() async throws {
        try await withSimulator(Self.instant) { simulator in
            try await withClient(for: simulator) { client in
                let missing = await failure { () async throws(CometAPIError) in try await client.queryAvatarTask(taskID: "nope") }
                #expect(missing?.businessCode == 1203)
                #expect(missing?.kind == .permanent)
                let before = simulator.stats().queriesTotal
                let off = await failure { () async throws(CometAPIError) in try await client.queryAvatarTask(externalTaskID: "x") }
                #expect(off?.kind == .permanent)
                #expect(simulator.stats().queriesTotal == before)
            }
        }
    }

    @Test("TTS returns an audio id")
    func speech() async throws {
        try await withSimulator(Self.instant) { simulator in
            try await withClient(for: simulator) { client in
                let speech = try await client.createSpeech(SpeechRequest(text: "Hello there", voiceID: "genshin_vindi2", voiceLanguage: "en"))
                #expect(speech.audioID.hasPrefix("audio-"))
                let mismatch = await failure { () async throws(CometAPIError) in
                    try await client.createSpeech(SpeechRequest(text: "Hi", voiceID: "v", voiceLanguage: "fr"))
                }
                #expect(mismatch?.businessCode == 1201)
            }
        }
    }

    @Test("the API key appears in no log line and no error of a failing run")
    func keyNeverLogged() async throws {
        let secret = "sk-leak-canary-7f3a9c"
        var configuration = Self.instant
        configuration.apiKey = "the-right-key"
        let capture = LogCapture()
        try await withSimulator(configuration) { simulator in
            try await withClient(for: simulator, apiKey: secret, logger: capture.logger()) { client in
                var errors: [CometAPIError] = []
                for fault in [nil, SimulatedFault.html502, .resetAfterRead, .malformedJSON, .cometInvalidRequest] {
                    if let fault { simulator.enqueueFault(fault, route: .create) }
                    if let error = await failure({ () async throws(CometAPIError) in try await client.createAvatarTask(request()) }) {
                        errors.append(error)
                    }
                }
                #expect(errors.count == 5)
                #expect(errors.first?.businessCode == 1000)
                let everything = capture.all + errors.flatMap { [$0.description, $0.message, $0.bodyExcerpt ?? ""] }
                #expect(!capture.all.isEmpty, "the run must have logged something to search")
                #expect(everything.allSatisfy { !$0.contains(secret) })
            }
        }
    }
}

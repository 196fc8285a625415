import AvatarJobs
import CometAPI
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import Logging
import Synchronization
import TestSupport
import WorkerTestSupport
import Testing

@testable import AvatarWorker

/// Nothing secret leaves the worker: a run through the error paths reachable from outside the pipeline (inline media
/// valid and invalid, unreadable messages, tombstones, create faults of every kind, query faults, failing tasks, an
/// account pause) writes its logs (text and JSON, at trace level), metrics, status and events, and none of them holds
/// the API key, a callback token or a fragment of the base64 media.
@Suite("Redaction")
struct RedactionTests {
    static let apiKey = "sk-redaction-canary-3f9a7c1e5b"
    static let callbackToken = "cbtok-7d41e9a0c2b84f3a"

    @Test("No log line, metric, status or event carries the API key, a callback token or inline media",
          .timeLimit(.minutes(3)))
    func nothingSecretLeaves() async throws {
        let image = Data(try MediaFixtures.bytes(MediaFixtures.image("redaction-portrait.png", width: 400, height: 600)))
            .base64EncodedString()
        let tinyImage = Data(try MediaFixtures.bytes(MediaFixtures.image("redaction-tiny.png", width: 120, height: 120)))
            .base64EncodedString()
        let sound = Data(try MediaFixtures.bytes(
            MediaFixtures.soxTone("redaction-speech.wav", seconds: 3, ["-r", "16000", "-c", "1", "-b", "16"])))
            .base64EncodedString()
        let garbage = Data((0..<600).map { UInt8(truncatingIfNeeded: $0 &* 73 &+ 11) }).base64EncodedString()
        var scanner = SecretScanner()
        scanner.secret(Self.apiKey, named: "API key")
        scanner.secret(Self.callbackToken, named: "callback token")
        scanner.payload(image, named: "inline image")
        scanner.payload(tinyImage, named: "inline tiny image")
        scanner.payload(sound, named: "inline sound")
        scanner.payload(garbage, named: "base64 in an unreadable message")

        func job(_ id: String, image: String, extra: String = "") -> [UInt8] {
            Array(#"{"job_id":"\#(id)","image":"\#(image)","sound_file":"\#(sound)","prompt":"nods"\#(extra)}"#.utf8)
        }
        let callback = #","callback_url":"https://hooks.example.com/kling?token=\#(Self.callbackToken)""#
        let validIDs = (0..<6).map { "redact-ok-\($0)" }
        var messages: [(key: String?, value: [UInt8]?)] = validIDs.map { ($0, job($0, image: image, extra: callback)) }
        messages.append(("redact-tiny", job("redact-tiny", image: tinyImage)))
        messages.append(("redact-bad-base64", job("redact-bad-base64", image: "data:image/png;base64,\(garbage)!!")))
        messages.append(("redact-unreadable", Array("not json \(garbage)".utf8)))
        messages.append(("redact-tombstone", nil))
        let expectedResults = validIDs.count + 2

        var simulatorConfiguration = SimulatorConfiguration(
            apiKey: Self.apiKey, taskSeconds: 0.3...1, failureRate: 0.3, callbacksEnabled: false)
        simulatorConfiguration.retryAfterSeconds = 0
        let lines = Mutex<[String]>([])
        let capture = LogCapture()
        var logger = Logger(label: "redaction") { label in
            MultiplexLogHandler([
                capture.logger(label: label).handler,
                JSONLogHandler(label: label) { line in lines.withLock { $0.append(line) } },
            ])
        }
        logger.logLevel = .trace

        try await withEmbeddedBroker { broker in
            try await withSimulator(simulatorConfiguration) { simulator in
                for fault: SimulatedFault in [.cometInvalidRequest, .account1101, .throttle1303, .server5000, .malformedJSON] {
                    simulator.enqueueFault(fault, route: .create)
                }
                simulator.enqueueFault(.server5001, route: .query, count: 2)
                simulator.enqueueFault(.html502, route: .query)
                let topics = try await WorkerTopics.create(on: broker)
                var configuration = try testWorkerConfiguration(broker: broker, simulator: simulator, topics: topics)
                configuration.apiKey = try APIKey(Self.apiKey)
                try await withWorker(configuration, logger: logger) { worker in
                    try await produceJobs(messages, to: topics.jobs, broker: broker)
                    let results = try await waitForRecords(expectedResults, topic: topics.results, broker: broker, within: .seconds(120))
                    let deadLetters = try await waitForRecords(2, topic: topics.dlq, broker: broker)
                    let port = worker.ready.httpPort
                    var texts: [(source: String, text: String)] = []
                    texts.append(("metrics", try await adminGet("/metrics", port: port)))
                    texts.append(("status", try await adminGet("/status", port: port)))
                    for record in results {
                        texts.append(("result event \(record.keyText ?? "?")", record.valueText ?? ""))
                        texts += record.headers.map { ("result header \($0.name)", $0.text ?? "") }
                    }
                    // A dead letter keeps the message's bytes by design; its headers must not repeat them.
                    for record in deadLetters {
                        texts += record.headers.map { ("dead-letter header \($0.name)", $0.text ?? "") }
                    }
                    texts += capture.all.map { ("log (text)", $0) }
                    texts += lines.withLock { $0 }.map { ("log (JSON)", $0) }
                    // The control: the dead letter's own bytes hold the unreadable message's base64, and the scan sees it.
                    let unreadable = deadLetters.first { $0.keyText == "redact-unreadable" }?.valueText ?? ""
                    #expect(!scanner.scan(unreadable, source: "dead-letter value").isEmpty, "the scanner misses a known payload")
                    let findings = scanner.scan(texts)
                    #expect(findings.isEmpty, "leaked:\n\(findings.prefix(20).map(\.description).joined(separator: "\n"))")
                    #expect(capture.all.count > 50, "the run logged too little to prove anything (\(capture.all.count) lines)")
                    let types = Set(try resultEvents(results).map { $0.error?.code ?? "succeeded" })
                    #expect(types.contains("succeeded") && types.contains("image.too_small"), "paths taken: \(types)")
                }
            }
        }
    }
}

import AvatarJobs
import CometAPISimulator
import Foundation
import Kafka
import KafkaDevelopment
import TestSupport
import WorkerTestSupport
import Testing

/// Kafka over TLS: the worker (TLS settings from its `AVATAR_WORKER_KAFKA_…` environment), the producer and the result
/// reader (TLS settings as `--kafka` flags) against Tansu behind stunnel, and a worker with the wrong CA.
@Suite("Kafka over TLS", .serialized)
struct KafkaTLSTests {
    /// Topic names of one test.
    struct Topics {
        let prefix = UniqueName.make("tls")
        var jobs: String { "\(prefix).jobs" }
        var tasks: String { "\(prefix).tasks" }
        var results: String { "\(prefix).results" }
        var dlq: String { "\(prefix).jobs.dlq" }

        var flags: [String] {
            ["--jobs-topic", jobs, "--tasks-topic", tasks, "--results-topic", results, "--dlq-topic", dlq]
        }
    }

    /// `avatar-worker run` flags for `broker` and `simulator` (TLS settings are not among them).
    static func workerArguments(_ broker: TLSBroker, _ simulator: CometAPISimulator, _ topics: Topics) -> [String] {
        ["--brokers", broker.bootstrapServers, "--group", "\(topics.prefix)-workers", "--http-port", "0",
         "--api-base-url", simulator.baseURL?.absoluteString ?? "http://127.0.0.1:1",
         "--first-poll-delay-std", "300ms", "--poll-interval", "300ms",
         "--kafka", "session.timeout.ms=6000", "--kafka", "heartbeat.interval.ms=1000"] + topics.flags
    }

    @Test("Worker, submit and results run over TLS through stunnel in front of Tansu", .timeLimit(.minutes(3)))
    func endToEndOverTLS() async throws {
        try await TLSBroker.with { broker in
            try await withSimulator(SimulatorConfiguration(taskSeconds: 0.5...1.5)) { simulator in
                let topics = Topics()
                try await WorkerProcess.runCommand(
                    ["topics", "create", "--brokers", broker.bootstrapServers, "--partitions", "2"] + topics.flags
                        + broker.clientFlags())
                let worker = try await WorkerProcess.start(
                    Self.workerArguments(broker, simulator, topics),
                    environment: [
                        "AVATAR_WORKER_KAFKA_SECURITY_PROTOCOL": "SSL",
                        "AVATAR_WORKER_KAFKA_SSL_CA_LOCATION": broker.caPath,
                    ])
                let ids = (0..<4).map { "\(topics.prefix)-job-\($0)" }
                let jobsFile = FileManager.default.temporaryDirectory.appendingPathComponent("\(topics.prefix).jsonl")
                try ids.map { String(decoding: sampleJob($0), as: UTF8.self) }.joined(separator: "\n")
                    .write(to: jobsFile, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(at: jobsFile) }
                let submitted = try await WorkerCommand.output(
                    ["submit", "--brokers", broker.bootstrapServers, "--jobs-topic", topics.jobs] + broker.clientFlags()
                        + [jobsFile.path])
                #expect(submitted.filter { $0.contains(#""status":"produced""#) }.count == ids.count, "\(submitted)")

                let lines = try await WorkerCommand.output(
                    ["results", "--brokers", broker.bootstrapServers, "--results-topic", topics.results, "--from-beginning",
                     "--follow", "--max-events", "\(ids.count)"] + broker.clientFlags(),
                    timeout: .seconds(90))
                let events = try lines.map { try ContractCoding.decodeEvent(Array($0.utf8)) }
                #expect(Set(events.map(\.jobID)) == Set(ids))
                #expect(events.allSatisfy { $0.type == .succeeded }, "\(lines)")
                #expect(await worker.terminate(within: .seconds(30)) == .exited(0), "\(worker.logTail())")
            }
        }
    }

    @Test("A worker that does not trust the broker's CA ends start-up at once with the TLS error, not a hang",
          .timeLimit(.minutes(2)))
    func wrongCAFailsFast() async throws {
        try await TLSBroker.with { broker in
            try await withSimulator { simulator in
                let topics = Topics()
                // A broker wait far longer than the ready wait: ending in time proves the error ended it, not a timeout.
                let arguments = Self.workerArguments(broker, simulator, topics) + ["--broker-connect-timeout", "10m"]
                let started = ContinuousClock.now
                await #expect {
                    _ = try await WorkerProcess.start(
                        arguments, environment: broker.clientProperties(trusting: broker.wrongCAPath).reduce(into: [:]) {
                            $0["AVATAR_WORKER_KAFKA_" + $1.key.uppercased().replacingOccurrences(of: ".", with: "_")] = $1.value
                        },
                        readyTimeout: .seconds(60))
                } throws: { error in
                    guard let failure = error as? ChildProcess.Failure else { return false }
                    let stderr = failure.errorTail
                    return failure.exit != nil && failure.exit != .exited(0)
                        && stderr.contains("TLS handshake with the Kafka brokers") && stderr.contains("certificate verify failed")
                        && stderr.contains("ssl.ca.location")
                }
                #expect(ContinuousClock.now - started < .seconds(60))
            }
        }
    }
}

import Foundation
import Testing
@testable import ChaosHarness

/// The flags a chaos run starts each worker with: the pass-through of librdkafka properties and of the log level.
@Suite("Chaos worker arguments")
struct ChaosWorkerArgumentsTests {
    static func runner(_ change: (inout ChaosRunner.Settings) -> Void = { _ in }) -> ChaosRunner {
        var settings = ChaosRunner.Settings(executable: "/bin/true", directory: URL(fileURLWithPath: "/tmp")) { _ in }
        change(&settings)
        return ChaosRunner(schedule: ChaosSchedule(seed: 1, plan: .short()), settings: settings)
    }

    /// The values of every `flag` in `arguments`, in order.
    static func values(of flag: String, in arguments: [String]) -> [String] {
        zip(arguments, arguments.dropFirst()).filter { $0.0 == flag }.map(\.1)
    }

    @Test("extra librdkafka properties come after the runner's own, so they win; the log level is passed on")
    func passThrough() {
        let arguments = Self.runner {
            $0.workerKafkaProperties = ["debug=cgrp", "heartbeat.interval.ms=500"]
            $0.workerLogLevel = "debug"
        }.workerArguments(brokers: "b", apiBaseURL: "u", slot: 0, afterKill: true)
        let kafka = Self.values(of: "--kafka", in: arguments)
        #expect(kafka.suffix(2) == ["debug=cgrp", "heartbeat.interval.ms=500"])
        #expect(kafka.firstIndex(of: "heartbeat.interval.ms=1000")! < kafka.firstIndex(of: "heartbeat.interval.ms=500")!)
        #expect(Self.values(of: "--log-level", in: arguments) == ["debug"])
        #expect(Self.values(of: "--prior-owner-grace", in: arguments).count == 1)
        #expect(Self.values(of: "--log-level", in: Self.runner().workerArguments(brokers: "b", apiBaseURL: "u", slot: 0, afterKill: false)).isEmpty)
    }
}

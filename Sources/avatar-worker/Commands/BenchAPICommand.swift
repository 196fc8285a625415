import ArgumentParser
import CometAPI
import CometAPISimulator
import Foundation
import Logging
import NIOPosix

/// `avatar-worker bench api`: create+query pairs per second through ``CometAPIClient`` against the simulator, beside
/// `wrk` hitting the same query endpoint of the same simulator for the same time, with the ratio of HTTP requests/s.
struct BenchAPICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "CometAPI client (create+query pairs/s) vs wrk on the simulator's query endpoint; target ratio ≥ 0.5."
    )

    @Option(help: "Seconds per phase (client, then wrk).")
    var duration = 10

    @Option(help: "Concurrent client loops and wrk connections.")
    var concurrency = 16

    @Option(help: "Rounds (client phase and wrk phase each); the printed figures are the medians.")
    var rounds = 3

    @Option(name: .customLong("wrk"), help: "Path of the wrk binary.")
    var wrkPath = "/usr/bin/wrk"

    @Option(name: .customLong("event-loops"), help: "Event-loop threads for the client's connection pool.")
    var eventLoops = 1

    @Flag(name: .customLong("in-process"), help: "Run the simulator inside this process instead of a child process.")
    var inProcess = false

    func validate() throws {
        guard duration > 0, concurrency > 0, rounds > 0 else {
            throw ValidationError("--duration, --concurrency and --rounds must be positive")
        }
        guard FileManager.default.isExecutableFile(atPath: wrkPath) else {
            throw ValidationError("wrk not found at \(wrkPath); install it (scripts/setup) or pass --wrk")
        }
    }

    func run() async throws {
        let simulator = try await BenchSimulator.start(inProcess: inProcess)
        let eventLoopGroup = MultiThreadedEventLoopGroup(numberOfThreads: eventLoops)
        do {
            try await measure(baseURL: simulator.baseURL, eventLoopGroup: eventLoopGroup)
            try await eventLoopGroup.shutdownGracefully()
            await simulator.stop()
        } catch {
            try? await eventLoopGroup.shutdownGracefully()
            await simulator.stop()
            throw error
        }
    }

    private func measure(baseURL: URL, eventLoopGroup: MultiThreadedEventLoopGroup) async throws {
        var logger = Logger(label: "bench-api")
        logger.logLevel = .warning
        var configuration = CometAPIConfiguration(apiKey: try APIKey("bench-key"), baseURL: baseURL)
        configuration.maximumConnections = concurrency
        let client = try CometAPIClient(configuration: configuration, eventLoopGroup: eventLoopGroup, logger: logger)
        let sample: CreatedAvatarTask
        do {
            sample = try await client.createAvatarTask(Self.request)
        } catch {
            try await client.shutdown()
            throw error
        }

        let queryURL = configuration.queryURL(for: sample.taskID)
        let wrkArguments = [
            "-t", "2", "-c", String(concurrency), "-d", "\(duration)s", "-H", "Authorization: Bearer bench-key", queryURL,
        ]
        let wrkCommand = ([wrkPath] + wrkArguments).map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        print("""
            bench api: \(rounds) rounds of \(duration) s per phase, simulator \(inProcess ? "in-process" : "child process"), each phase alone, the side that goes first alternating
              client: \(concurrency) concurrent create+query loops, connection pool of \(concurrency) HTTP/1.1 keep-alive connections, \(eventLoops) event loop(s)
              wrk:    \(wrkCommand)
                      (2 threads, \(concurrency) keep-alive connections, GET of one finished task)
            """)
        var clientRates: [Double] = []
        var wrkRates: [Double] = []
        var totalPairs = 0
        var totalFailures = 0
        for round in 1...rounds {
            var clientRate = 0.0
            var wrkRate = 0.0
            for clientSide in round % 2 == 1 ? [true, false] : [false, true] {
                if clientSide {
                    let (pairs, failures, elapsed) = await runClient(client)
                    totalPairs += pairs
                    totalFailures += failures
                    clientRate = 2 * Double(pairs) / elapsed
                } else {
                    wrkRate = try runWrk(arguments: wrkArguments)
                }
            }
            print(String(format: "  round %d: client %.0f HTTP requests/s, wrk %.0f, ratio %.2f", round, clientRate, wrkRate, clientRate / wrkRate))
            clientRates.append(clientRate)
            wrkRates.append(wrkRate)
        }
        try await client.shutdown()

        func median(_ values: [Double]) -> Double {
            let sorted = values.sorted()
            return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
        }
        let clientRequestsPerSecond = median(clientRates)
        let wrkRequestsPerSecond = median(wrkRates)
        let ratio = clientRequestsPerSecond / wrkRequestsPerSecond
        print("""
              median of \(rounds) rounds:
              client  create+query pairs/s: \(String(format: "%.0f", clientRequestsPerSecond / 2))  (\(totalPairs) pairs in all, \(totalFailures) failures)
              client  HTTP requests/s:      \(String(format: "%.0f", clientRequestsPerSecond))
              wrk     HTTP requests/s:      \(String(format: "%.0f", wrkRequestsPerSecond))  (GET \(configuration.queryPathTemplate))
              ratio client/wrk:             \(String(format: "%.2f", ratio))  (target ≥ 0.50: \(ratio >= 0.5 ? "met" : "NOT met"))
            """)
    }

    /// One client phase: `concurrency` loops of create then query for `duration` seconds.
    private func runClient(_ client: CometAPIClient) async -> (pairs: Int, failures: Int, seconds: Double) {
        let started = ContinuousClock.now
        let end = started.advanced(by: .seconds(duration))
        let (pairCount, failureCount) = await withTaskGroup(of: (pairs: Int, failures: Int).self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var pairs = 0
                    var failures = 0
                    while ContinuousClock.now < end {
                        do {
                            let created = try await client.createAvatarTask(Self.request)
                            _ = try await client.queryAvatarTask(taskID: created.taskID)
                            pairs += 1
                        } catch {
                            failures += 1
                        }
                    }
                    return (pairs, failures)
                }
            }
            return await group.reduce(into: (0, 0)) { $0.0 += $1.pairs; $0.1 += $1.failures }
        }
        return (pairCount, failureCount, (ContinuousClock.now - started).seconds)
    }

    private func runWrk(arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrkPath)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
              let value = Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) else {
            throw ValidationError("could not read wrk's output:\n\(text)")
        }
        return value
    }

    static let request = AvatarTaskRequest(image: "https://images.test/portrait.png", speech: .audioID("bench-audio"), prompt: "bench")
}

import ArgumentParser
import CometAPI
import CometAPISimulator
import Foundation
import Logging
import NIOCore
import NIOPosix

/// `avatar-worker bench api`: create+query pairs per second through ``CometAPIClient`` against the simulator, beside
/// `wrk` hitting the same query endpoint of the same simulator for the same time, with the ratio of HTTP requests/s.
///
/// Like for like: wrk runs 2 threads that each own their connections; the client runs 2 event loops, and each client
/// loop is a task that prefers one of them (``EventLoopTaskExecutor``), so a request and its response are handled on
/// one thread, as in wrk. Each round also prints the CPU time per request of the client, of wrk and of the simulator
/// (a child process), which is what decides the ratio on a two-core machine.
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

    @Option(name: .customLong("event-loops"), help: "Event-loop threads for the client (wrk runs 2 threads).")
    var eventLoops = 2

    @Flag(
        inversion: .prefixedNo,
        help: "Run each client loop on one of the client's event loops, as wrk runs each connection on one of its threads (no thread hop per request).")
    var onEventLoop = true

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
            try await measure(baseURL: simulator.baseURL, simulatorProcessID: simulator.processID, eventLoopGroup: eventLoopGroup)
            try await eventLoopGroup.shutdownGracefully()
            await simulator.stop()
        } catch {
            try? await eventLoopGroup.shutdownGracefully()
            await simulator.stop()
            throw error
        }
    }

    private func measure(baseURL: URL, simulatorProcessID: Int32?, eventLoopGroup: MultiThreadedEventLoopGroup) async throws {
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
              client: \(concurrency) concurrent create+query loops, connection pool of \(concurrency) HTTP/1.1 keep-alive connections, \(eventLoops) event loop(s), loops running \(onEventLoop ? "on the event loops" : "on Swift's cooperative pool")
              wrk:    \(wrkCommand)
                      (2 threads, \(concurrency) keep-alive connections, GET of one finished task)
            """)
        let executors: [any TaskExecutor]? = onEventLoop ? eventLoopGroup.makeIterator().map { EventLoopTaskExecutor(eventLoop: $0) } : nil
        let simulatorCPU = { simulatorProcessID.map(CPUTime.process) ?? 0 }
        var clientRates: [Double] = []
        var wrkRates: [Double] = []
        var totalPairs = 0
        var totalFailures = 0
        for round in 1...rounds {
            var clientRate = 0.0
            var wrkRate = 0.0
            var cpu = (client: 0.0, simulatorWithClient: 0.0, wrk: 0.0, simulatorWithWrk: 0.0)
            for clientSide in round % 2 == 1 ? [true, false] : [false, true] {
                let simulatorBefore = simulatorCPU()
                if clientSide {
                    let before = CPUTime.ownProcess()
                    let (pairs, failures, elapsed) = await runClient(client, executors: executors)
                    totalPairs += pairs
                    totalFailures += failures
                    clientRate = 2 * Double(pairs) / elapsed
                    cpu.client = (CPUTime.ownProcess() - before) / Double(2 * max(pairs, 1))
                    cpu.simulatorWithClient = (simulatorCPU() - simulatorBefore) / Double(2 * max(pairs, 1))
                } else {
                    let before = CPUTime.waitedChildren()
                    do {
                        wrkRate = try runWrk(arguments: wrkArguments)
                    } catch {
                        try? await client.shutdown()
                        throw error
                    }
                    let requests = max(wrkRate * Double(duration), 1)
                    cpu.wrk = (CPUTime.waitedChildren() - before) / requests
                    cpu.simulatorWithWrk = (simulatorCPU() - simulatorBefore) / requests
                }
            }
            print(String(format: "  round %d: client %.0f HTTP requests/s, wrk %.0f, ratio %.2f", round, clientRate, wrkRate, clientRate / wrkRate))
            if simulatorProcessID != nil {
                print(String(
                    format: "           CPU per request: client %.0f µs + simulator %.0f µs; wrk %.0f µs + simulator %.0f µs",
                    cpu.client * 1e6, cpu.simulatorWithClient * 1e6, cpu.wrk * 1e6, cpu.simulatorWithWrk * 1e6))
            }
            clientRates.append(clientRate)
            wrkRates.append(wrkRate)
        }
        try await client.shutdown()

        let clientRequestsPerSecond = clientRates.median
        let wrkRequestsPerSecond = wrkRates.median
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
    private func runClient(_ client: CometAPIClient, executors: [any TaskExecutor]?) async -> (pairs: Int, failures: Int, seconds: Double) {
        let started = ContinuousClock.now
        let end = started.advanced(by: .seconds(duration))
        let (pairCount, failureCount) = await withTaskGroup(of: (pairs: Int, failures: Int).self) { group in
            for index in 0..<concurrency {
                group.addTask(executorPreference: executors.map { $0[index % $0.count] }) {
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
        try BenchWrk.run(path: wrkPath, arguments: arguments)
    }

    static let request = AvatarTaskRequest(image: "https://images.test/portrait.png", speech: .audioID("bench-audio"), prompt: "bench")
}

/// CPU time (user + system, seconds) of processes, for the per-request costs the benchmark prints.
enum CPUTime {
    /// This process.
    static func ownProcess() -> Double { usage(RUSAGE_SELF) }

    /// Children that have been waited for (`wrk` after it exited).
    static func waitedChildren() -> Double { usage(RUSAGE_CHILDREN) }

    /// A running process, from `/proc/<pid>/stat` (clock-tick resolution); 0 when it cannot be read.
    static func process(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let afterName = stat.lastIndex(of: ")") else { return 0 }
        // Fields after "pid (comm)": state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: afterName)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    private static func usage(_ who: __rusage_who) -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(who.rawValue), &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

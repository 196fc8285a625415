import CometAPISimulator
import Foundation

/// The simulator a benchmark measures against: a child `avatar-worker simulate` process (fairer: it does not share
/// the benchmark's threads) or an in-process instance.
struct BenchSimulator {
    let baseURL: URL
    private let child: Process?
    private let inProcess: CometAPISimulator?

    /// Starts one with instant tasks, no faults and any key accepted.
    static func start(inProcess: Bool) async throws -> BenchSimulator {
        if inProcess {
            let simulator = CometAPISimulator(configuration: SimulatorConfiguration(taskSeconds: 0...0, callbacksEnabled: false))
            let port = try await simulator.start()
            return BenchSimulator(baseURL: URL(string: "http://127.0.0.1:\(port)")!, child: nil, inProcess: simulator)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        process.arguments = ["simulate", "--port", "0", "--task-seconds", "0-0", "--log-level", "error"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var seen = ""
        while !seen.contains("\n") {
            let chunk = output.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        guard let range = seen.range(of: "listening on "),
              let url = URL(string: String(seen[range.upperBound...].prefix { !$0.isNewline })) else {
            process.terminate()
            throw SimulatorError.notStarted
        }
        return BenchSimulator(baseURL: url, child: process, inProcess: nil)
    }

    /// The child's process id (nil in process).
    var processID: Int32? { child?.processIdentifier }

    /// Stops the child (SIGTERM, then waits) or the in-process simulator.
    func stop() async {
        if let child {
            child.terminate()
            child.waitUntilExit()
        }
        await inProcess?.stop()
    }
}

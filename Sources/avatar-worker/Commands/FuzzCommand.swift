import ArgumentParser
import Foundation
import HostileInput

/// `avatar-worker fuzz`: hostile messages (mutated valid jobs) through a real worker process on the embedded broker
/// and the simulator, with every message accounted for; exit status 1 on any violation. See docs/RELIABILITY.md.
struct FuzzCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fuzz",
        abstract: "Produce hostile job messages to a running worker and check that each ends as a typed outcome.",
        discussion: """
            Starts the embedded Tansu broker, the CometAPI simulator and `avatar-worker run` as a child process, \
            produces --messages mutations of valid jobs (byte flips, cuts, wrong types, huge and deeply nested \
            values, invalid UTF-8 and escapes, invalid base64, media whose headers lie, polyglots, duplicate keys) and \
            checks that the worker never crashes or stalls, that every message ends as a typed failed event, a DLQ \
            entry or a completed job, that the committed offsets reach the end and that memory stays flat. The seed \
            is printed; the same seed produces the same messages. Exit status 1 on any violation.
            """)

    @Option(help: "Messages to produce.")
    var messages = 100_000

    @Option(help: "Seed of the mutations (default: a random one, printed).")
    var seed: UInt64?

    @Option(help: "Partitions of the jobs topic.")
    var partitions = 4

    @Option(help: "Seconds without any message settling that count as a stall.")
    var stallSeconds = 60

    func validate() throws {
        guard messages > 0, (1...64).contains(partitions), stallSeconds > 0 else {
            throw ValidationError("--messages and --stall-seconds must be positive, --partitions 1…64")
        }
    }

    func run() async throws {
        let seed = seed ?? UInt64.random(in: 1...999_999_999)
        StandardOutput.line("fuzz seed \(seed) (rerun with --seed \(seed))")
        var options = HostileInputRun.Options(messages: messages, seed: seed, workerExecutable: DemoStack.ownExecutable())
        options.partitions = partitions
        options.stallLimit = .seconds(stallSeconds)
        let report = try await HostileInputRun(options: options).run { line in StandardOutput.line(line) }
        StandardOutput.line(report.summary)
        if !report.passed { throw ExitCode(1) }
    }
}

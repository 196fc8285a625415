import ArgumentParser
import AvatarJobs
import Foundation

/// `avatar-worker status JOB_ID…`: answers "where is my job?" from Kafka alone — ended (its terminal event), in
/// flight (its ledger record: submitting or submitted, task id, owner partition, since when) or still waiting to be
/// taken (its message after the group's committed offset) — and says what it read when the answer is "not found".
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Find where jobs are: ended (results), in flight (task ledger) or waiting (jobs topic).",
        discussion: """
            Each id is mapped to its partition the way producers and workers partition (the `partitioner` \
            property, librdkafka's consistent_random unless --kafka partitioner=… says otherwise), and only that \
            partition of each topic is read: the results and the ledger newest first, the jobs topic forward from \
            the workers' committed offset, at most --scan-limit records each. Output: a line per job on a terminal, \
            else one JSON object per job with "where" (results, ledger, jobs or not_found) and "scanned" (the \
            offset ranges read, and whether the limit left older or newer records unread).

            Exit status: 0 every job found, 1 any not found, 2 a usage error or no connection to Kafka.

            Example: avatar-worker status --brokers kafka:9092 order-1842 order-1843
            """
    )

    @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

    @Option(name: .customLong("scan-limit"), help: "Most records read per topic partition.")
    var scanLimit = 200_000

    @Option(help: "Output: auto (text on a terminal, else JSON lines), text or json.")
    var format: OutputFormat = .auto

    @Argument(help: "Job ids.")
    var jobIDs: [String]

    func validate() throws {
        guard !jobIDs.isEmpty else { throw ValidationError("give at least one job id") }
        guard scanLimit >= 1 else { throw ValidationError("--scan-limit must be at least 1, got \(scanLimit)") }
        if let bad = jobIDs.first(where: { !JobIDRule.isValid($0, maximumLength: JobIDRule.maximumJobIDLength) }) {
            throw ValidationError("'\(bad)' is not a job id (1–128 of A-Z a-z 0-9 . _ : -)")
        }
    }

    func run() async throws {
        let settings = try connection.settings()
        let locations = try await JobLocator(settings: settings, limit: scanLimit).locate(jobIDs)
        let text = format.usesText
        for location in locations {
            StandardOutput.line(text ? location.text(settings: settings, now: Date()) : StandardOutput.jsonLine(location.json(settings: settings)))
        }
        if locations.contains(where: { !$0.isFound }) { throw ExitCode(1) }
    }
}

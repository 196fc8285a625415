import ArgumentParser
import AvatarJobs
import Foundation

/// `avatar-worker dlq replay`: sends dead letters back to the jobs topic — corrected ones from a file, or unchanged
/// ones whose cause lay outside the message — and records each replay durably in a compacted replay-log topic, so
/// a second run, from any machine, never replays the same dead letter again.
struct DLQReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Produce fixed dead letters back to the jobs topic, once each, recorded in a replay log.",
        discussion: """
            Selects dead letters with the filters, then for each: a correction (a job in --corrections whose job_id \
            is the dead letter's key, or the id recovered from its bytes) is validated like `validate` does and \
            produced instead; without one it is replayed unchanged only with --unchanged and only when its error \
            code lies outside the message (job.too_large: after raising the workers' --max-message-bytes); \
            anything else is skipped with the reason. Replayed messages carry the header avatar-replay-of: \
            <dlq-topic>/<partition>/<offset>.

            Each replay is claimed in the replay log (created by `topics create`) before the job is produced and \
            recorded after, so a run stopped half-way is settled by the next (it finds the job by its header instead \
            of producing it again), and concurrent runs replay each dead letter once. --dry-run prints the plan and \
            writes nothing. One JSON line per dead letter: {"dead_letter","partition","offset","key","error_code",\
            "action"} with action replayed, would_replay, already_replayed, skipped, refused, failed or \
            claimed_elsewhere, and "reason", "jobs_partition", "jobs_offset", "corrected" where they apply.

            Exit status: 0 nothing refused or failed, 1 a correction refused, a correction matching no selected dead \
            letter, or a write failed, 2 a usage error or no connection to Kafka.

            Examples:
              avatar-worker dlq replay --brokers kafka:9092 --error-code job.not_json \\
                --corrections fixed.jsonl --dry-run
              avatar-worker dlq replay --error-code job.too_large --unchanged
            """)

    @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

    @OptionGroup(title: "Which dead letters") var filter: DeadLetterFilter

    @Option(help: ArgumentHelp("Corrected job messages (one JSON job or JSON lines), matched by job_id.", valueName: "file"))
    var corrections: String?

    @Flag(help: "Replay dead letters without a correction unchanged when their cause lies outside the message.")
    var unchanged = false

    @Flag(name: .customLong("dry-run"), help: "Print what would be replayed; write nothing.")
    var dryRun = false

    @OptionGroup var replayLog: ReplayLogOption

    @Option(name: .customLong("scan-limit"), help: "Most records read when settling a stopped run's replay.")
    var scanLimit = 200_000

    @Option(help: "Longest allowed audio in seconds, as configured on the workers (validates corrections).")
    var maxAudioSeconds: Double = 60

    func run() async throws {
        let settings = try connection.settings()
        let validator = JobValidator(limits: .allowingAudio(upTo: maxAudioSeconds))
        var fixes: [String: Result<[UInt8], JobValidationFailure>] = [:]
        for message in try corrections.map({ try JobInputFiles.messages(files: [$0], command: "dlq replay") }) ?? [] {
            switch validator.validate(message) {
            case .success(let job): fixes[job.job.jobID] = .success(message)
            case .failure(let failure):
                guard let jobID = failure.jobID ?? JobIDRecovery.recover(from: message) else {
                    StandardOutput.error("avatar-worker dlq replay: a correction has no readable job_id: \(failure.errors[0])")
                    throw ExitCode(2)
                }
                fixes[jobID] = .failure(failure)
            }
        }
        let letters = try await filter.read(topic: settings.dlqTopic, configuration: settings.readerConfiguration())
        let run = ReplayRun(settings: settings, logTopic: replayLog.topic(for: settings), scanLimit: scanLimit)
        let (reports, unmatched) = try await run.run(letters: letters, corrections: fixes, unchanged: unchanged, dryRun: dryRun)
        for report in reports { StandardOutput.line(report.jsonLine) }
        for jobID in unmatched {
            StandardOutput.line(StandardOutput.jsonLine([
                "key": jobID, "action": "unmatched_correction",
                "reason": "no selected dead letter has this job_id (check the filters)",
            ]))
        }
        let counts = Dictionary(grouping: reports, by: \.action).mapValues(\.count)
        StandardOutput.error("dlq replay\(dryRun ? " (dry run)" : ""): \(letters.count) dead letter(s) selected; "
            + counts.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", "))
        if reports.contains(where: \.isFailure) || !unmatched.isEmpty { throw ExitCode(1) }
    }
}

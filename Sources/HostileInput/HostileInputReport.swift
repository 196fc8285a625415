import AvatarJobs
import Foundation

/// The figures of one fuzz run and its verdict: every message's fate, the error codes, the rate, the worker's memory
/// and committed offsets, and every breach found (empty: the run passed).
public struct HostileInputReport: Sendable {
    /// The seed; `avatar-worker fuzz --seed` with it produces the same messages.
    public let seed: UInt64
    /// Messages produced (acknowledged by the broker).
    public let produced: Int
    /// Messages that ended as a `succeeded` event (the mutation left the job valid).
    public let succeeded: Int
    /// Messages that ended as a `failed` event only.
    public let failed: Int
    /// Messages that ended as a DLQ entry.
    public let deadLettered: Int
    /// Messages with no fate (each is also a violation).
    public let unsettled: Int
    /// Count per error code: the `failed` event's for failures, the DLQ entry's for dead letters.
    public let codes: [String: Int]
    /// Per mutation family: how many succeeded, failed and were dead-lettered.
    public let families: [String: [Int]]
    /// Lying, polyglot and cut media variants that ended as a completed job, with how often: what the probes
    /// believe (a trailing polyglot after a complete image, a header within what its bytes can hold).
    public let acceptedMedia: [String: Int]
    /// From the first message produced to the last one settled.
    public let elapsed: Duration
    /// The worker's resident memory over the run.
    public let memory: MemorySamples
    /// The group's committed offsets and the partitions' ends at the end of the run.
    public let committed: [Int32: Int64], ends: [Int32: Int64]
    /// Tasks the simulator created (each valid job once).
    public let createsTotal: Int
    /// The worker's log file.
    public let workerLog: String
    /// Every breach of the checks; empty when the run passed.
    public let violations: [String]

    init(
        seed: UInt64, produced: Int, accounting: OutcomeBoard.Accounting, elapsed: Duration, memory: MemorySamples,
        committed: [Int32: Int64], ends: [Int32: Int64], createsTotal: Int, workerLog: String, violations: [String]
    ) {
        self.seed = seed
        self.produced = produced
        var succeeded = 0, failed = 0, deadLettered = 0
        var codes: [String: Int] = [:]
        var families: [String: [Int]] = [:]
        var acceptedMedia: [String: Int] = [:]
        for (message, fate) in accounting.fates {
            if fate == .succeeded, let media = message.mutations.last(where: { $0.hasPrefix("lying-media:") }) {
                acceptedMedia[String(media.dropFirst("lying-media:".count)), default: 0] += 1
            }
            var row = families[message.family] ?? [0, 0, 0]
            switch fate {
            case .succeeded:
                succeeded += 1
                row[0] += 1
            case .failed(let code):
                failed += 1
                codes[code, default: 0] += 1
                row[1] += 1
            case .deadLettered(let code):
                deadLettered += 1
                codes[code, default: 0] += 1
                row[2] += 1
            }
            families[message.family] = row
        }
        self.succeeded = succeeded
        self.failed = failed
        self.deadLettered = deadLettered
        unsettled = accounting.unsettled.count
        self.codes = codes
        self.families = families
        self.acceptedMedia = acceptedMedia
        self.elapsed = elapsed
        self.memory = memory
        self.committed = committed
        self.ends = ends
        self.createsTotal = createsTotal
        self.workerLog = workerLog
        var all = violations
        if !accounting.unsettled.isEmpty {
            let examples = accounting.unsettled.prefix(5).map { "\($0.jobID) \($0.mutations) at \($0.partition)@\($0.offset)" }
            all.append("\(accounting.unsettled.count) messages have no result event and no DLQ entry, e.g. \(examples)")
        }
        self.violations = all
    }

    /// Whether every check held.
    public var passed: Bool { violations.isEmpty }

    /// The run's length in seconds.
    public var seconds: Double { Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18 }

    /// Messages settled per second over the run.
    public var messagesPerSecond: Double {
        seconds > 0 ? Double(succeeded + failed + deadLettered) / seconds : 0
    }

    /// The codes a failure event or a DLQ entry may carry: the validator's and the worker's own.
    public static let knownCodes: Set<String> = Set(JobValidationError.Code.all.map(\.rawValue)).union([
        "job.tombstone", "api.permanent", "api.unavailable", "api.account", "submission.ambiguous", "task.failed",
        "task.no_video", "deadline.exceeded",
    ])

    /// The report as printed by `avatar-worker fuzz`.
    public var summary: String {
        var lines: [String] = []
        lines.append("seed \(seed): \(produced) messages in \(String(format: "%.1f", seconds)) s, "
            + String(format: "%.0f messages/s", messagesPerSecond))
        lines.append("  completed (mutation stayed valid): \(succeeded)")
        lines.append("  failed event (typed):              \(failed)")
        lines.append("  DLQ entry:                         \(deadLettered)")
        lines.append("  no outcome:                        \(unsettled)")
        lines.append("  tasks created:                     \(createsTotal)")
        lines.append("error codes:")
        for (code, count) in codes.sorted(by: { ($1.value, $0.key) < ($0.value, $1.key) }) {
            lines.append("  \(code.padding(toLength: 36, withPad: " ", startingAt: 0)) \(count)")
        }
        lines.append("mutation family                      completed   failed      DLQ")
        for (family, row) in families.sorted(by: { $0.key < $1.key }) {
            lines.append("  \(family.padding(toLength: 34, withPad: " ", startingAt: 0))"
                + row.map { String($0).leftPadded(to: 9) }.joined(separator: " "))
        }
        if !acceptedMedia.isEmpty {
            lines.append("media variants that completed: "
                + acceptedMedia.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        }
        let rss = [memory.first, memory.peak, memory.last].map { $0.map(MemorySamples.megabytes) ?? "?" }
        lines.append("worker RSS: first \(rss[0]) (after warm-up), peak \(rss[1]), last \(rss[2]); \(memory.bytes.count) samples")
        let partitions = ends.keys.sorted().map { "p\($0) \(committed[$0].map(String.init) ?? "-")/\(ends[$0]!)" }
        lines.append("committed/end offsets: \(partitions.joined(separator: ", "))")
        lines.append("worker log: \(workerLog)")
        if violations.isEmpty {
            lines.append("PASSED: no crash, no stall, every message accounted for, offsets at the end, memory flat")
        } else {
            lines.append("FAILED (\(violations.count) violations):")
            lines += violations.map { "  - \($0)" }
        }
        return lines.joined(separator: "\n")
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

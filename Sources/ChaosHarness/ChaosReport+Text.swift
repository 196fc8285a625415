import Foundation

extension ChaosReport {
    /// At most this many jobs are listed one by one under a figure (the JSON report lists them all).
    static let listedJobs = 25

    /// The report for a person: one figure per line, the `submission.ambiguous` jobs with their reasons, the
    /// duplicates, then the verdict and every violation.
    public var lines: [String] {
        var lines: [String] = []
        func figure(_ name: String, _ value: String) {
            lines.append(name.padding(toLength: 34, withPad: " ", startingAt: 0) + value)
        }
        figure("seed", "\(seed)")
        figure("jobs produced", "\(jobsProduced) (\(validJobsProduced) valid, \(jobsProduced - validJobsProduced) invalid)")
        figure("terminal events", "\(terminalEvents) (\(succeeded) succeeded, \(failedAsExpected) invalid failed as expected, "
            + "\(ambiguous.count) submission.ambiguous)")
        figure("jobs without a terminal event", "\(jobsWithoutTerminalEvent.count)" + (jobsWithoutTerminalEvent.isEmpty ? "" : "  ← must be 0"))
        for jobID in jobsWithoutTerminalEvent.prefix(Self.listedJobs) { lines.append("  \(jobID)") }
        figure("jobs created more than once", "\(createdMoreThanOnce.count)" + (createdMoreThanOnce.isEmpty ? "" : "  ← must be 0"))
        for (name, count) in createdMoreThanOnce.sorted(by: { $0.key < $1.key }).prefix(Self.listedJobs) {
            lines.append("  \(name): \(count) tasks")
        }
        figure("tasks created (paid)", "\(tasksCreated); repeated create attempts refused by the API: \(repeatedCreateAttempts)")
        let paidAmbiguous = ambiguous.filter(\.taskExists).count
        figure("failed as submission.ambiguous", "\(ambiguous.count) (\(paidAmbiguous) of them with a task at the API, "
            + "\(ambiguous.count - paidAmbiguous) whose create never took effect)")
        let reasons = Dictionary(grouping: ambiguous, by: \.reason).sorted { $0.value.count > $1.value.count }
        for (reason, jobs) in reasons { lines.append("  \(jobs.count)× \(reason)") }
        for item in ambiguous.prefix(Self.listedJobs) {
            lines.append("  \(item.jobID): \(item.taskExists ? "task exists" : "no task"): \(item.reason)")
        }
        let differing = duplicates.filter { !$0.sameEventID }.count
        figure("duplicate terminal events", "\(duplicates.map { $0.copies - 1 }.reduce(0, +)) copies of \(duplicates.count) jobs; "
            + "\(duplicates.count - differing) repeat their event_id, \(differing) do not" + (differing == 0 ? "" : "  ← must be 0"))
        for item in duplicates.prefix(Self.listedJobs) {
            lines.append("  \(item.jobID): \(item.copies) copies, \(item.sameEventID ? "same event_id" : "DIFFERENT event_ids")")
        }
        figure("faults injected by kind", faultsInjected.isEmpty ? "none"
            : "\(faultsInjected.values.reduce(0, +)): " + faultsInjected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        figure("actions performed", actionsPerformed.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        figure("wall time", String(format: "%.1f s", wallSeconds))
        if passed {
            lines.append("PASSED: every promise kept")
        } else {
            lines.append("FAILED: \(violations.count) violation\(violations.count == 1 ? "" : "s")")
            lines += violations.prefix(100).map { "  ✘ \($0)" }
            if violations.count > 100 { lines.append("  … and \(violations.count - 100) more (see --report-json)") }
        }
        return lines
    }

    /// The report as pretty-printed JSON with sorted keys.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }
}

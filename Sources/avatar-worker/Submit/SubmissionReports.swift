import Foundation

/// What `submit` produced: a report per input message, and for `--wait` the produced jobs and the results topic's
/// ends before production.
struct SubmissionReports {
    /// One report per input message, in input order (nil only while being filled).
    var lines: [SubmissionReport?]
    /// The produced jobs with the instant Kafka acknowledged them.
    var produced: [(jobID: String, at: ContinuousClock.Instant)] = []
    /// The results topic's end offsets taken before producing.
    var resultOffsets: [Int32: Int64]?

    /// True when every message was produced.
    func allSatisfy(_ predicate: (SubmissionReport) -> Bool) -> Bool { lines.allSatisfy { $0.map(predicate) ?? false } }

    /// What `--wait` follows, nil when nothing was produced.
    var follow: (jobs: [(jobID: String, at: ContinuousClock.Instant)], resultOffsets: [Int32: Int64])? {
        guard !produced.isEmpty, let resultOffsets else { return nil }
        return (produced, resultOffsets)
    }
}

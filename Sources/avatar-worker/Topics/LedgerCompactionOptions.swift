import ArgumentParser

/// The configs `topics create` gives the compacted topics (the task ledger and the DLQ replay log) so that
/// compaction actually runs on Apache Kafka, each with the reason for its default.
///
/// Kafka never compacts a partition's active segment, and with the broker defaults (`segment.ms` of 7 days, a dirty
/// ratio of 0.5) a busy ledger partition holds days of dead records — every job leaves a `submitting`, a `submitted`
/// and a tombstone record — that each restore reads. These settings bound the dead history a restore can meet.
struct LedgerCompactionOptions: ParsableArguments {
    /// Rolls the active segment hourly, so at most about an hour of records sits where the cleaner cannot reach
    /// it. Shorter means more, smaller segment files (one per partition per interval).
    @Option(name: .customLong("ledger-segment"), help: "segment.ms of the compacted topics: how long the active, never-compacted segment collects records.")
    var segment = ConfigMilliseconds(3_600_000)

    /// Cleans a partition once a tenth of its log is dead instead of half (Kafka's default). The ledger's live part is
    /// only the tasks in flight, so cleaning it early is cheap, and it keeps a restore's read close to the live records.
    @Option(name: .customLong("ledger-dirty-ratio"), help: "min.cleanable.dirty.ratio of the compacted topics (0 < ratio <= 1).")
    var dirtyRatio = 0.1

    /// Keeps tombstones a day after their segment is cleaned. A restore that read a job's `submitted` record before
    /// the cleaner ran must still find its tombstone further on, or it would resume a finished job; a day is far
    /// longer than any restore, and Kafka's own default.
    @Option(name: .customLong("ledger-delete-retention"), help: "delete.retention.ms of the compacted topics: how long tombstones stay readable; longer than any restore.")
    var deleteRetention = ConfigMilliseconds(86_400_000)

    /// No minimum age before a record may be compacted: a restore folds records exactly as compaction does, so
    /// nothing in the worker reads superseded history, and any lag only keeps dead records for restores to read.
    @Option(name: .customLong("ledger-min-compaction-lag"), help: "min.compaction.lag.ms of the compacted topics: the youngest a superseded record may be when it is removed.")
    var minimumCompactionLag = ConfigMilliseconds(0)

    /// Compacts a segment at the latest 6 hours after its first dead record even while the dirty ratio stays low (a
    /// quiet ledger), so a dead record lives at most about `segment.ms` + 6 h.
    @Option(name: .customLong("ledger-max-compaction-lag"), help: "max.compaction.lag.ms of the compacted topics: the oldest a dead record may get before its segment is cleaned anyway.")
    var maximumCompactionLag = ConfigMilliseconds(21_600_000)

    func validate() throws {
        guard dirtyRatio > 0, dirtyRatio <= 1 else {
            throw ValidationError("--ledger-dirty-ratio must be above 0 and at most 1, got \(dirtyRatio)")
        }
        guard segment.value >= 1 else { throw ValidationError("--ledger-segment must be at least 1ms") }
        guard maximumCompactionLag.value >= minimumCompactionLag.value else {
            throw ValidationError(
                "--ledger-max-compaction-lag (\(maximumCompactionLag)) must not be below --ledger-min-compaction-lag (\(minimumCompactionLag))")
        }
    }

    /// The topic configs of a compacted worker topic.
    var configs: [String: String] {
        [
            "cleanup.policy": "compact",
            "segment.ms": String(segment.value),
            "min.cleanable.dirty.ratio": String(dirtyRatio),
            "delete.retention.ms": String(deleteRetention.value),
            "min.compaction.lag.ms": String(minimumCompactionLag.value),
            "max.compaction.lag.ms": String(maximumCompactionLag.value),
        ]
    }
}

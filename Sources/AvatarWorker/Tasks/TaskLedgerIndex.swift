/// The live jobs of one task-ledger partition, folded from its records in offset order.
///
/// On assignment of jobs partition p the worker reads ledger partition p to its end through `apply`, then resumes
/// every live job: `submitted` ones are polled again, `submitting` ones are reconciled. The fold is the one log
/// compaction performs (the latest record of a `job_id` wins, a tombstone deletes), so the result is the same
/// whether or not the broker compacted yet. During normal operation the worker applies its own acked writes too, so
/// the index stays the in-memory mirror of the ledger and a redelivered job is matched against it by `job_id`.
///
/// `restoreCheckpoint` is the lowest offset still holding a live record: a later restore may start reading there,
/// which bounds restore time on brokers that never compact.
public struct TaskLedgerIndex<Payload: Sendable>: Sendable {
    /// A live job: its latest record's state, payload and offset.
    public struct Entry: Sendable {
        /// The job's id (the record key).
        public let jobID: String
        /// Whether the create's outcome is known (`submitted`), not known (`submitting`), or the result is out
    /// (`published`).
        public let state: TaskLedgerState
        /// The decoded record.
        public let payload: Payload
        /// The ledger offset of the record.
        public let offset: Int64
    }

    /// What `apply` did with a record.
    public enum ApplyOutcome: Sendable, Hashable {
        /// The job became live.
        case added
        /// The job was live; its record was replaced by a later one.
        case replaced
        /// A tombstone ended a live job.
        case removed
        /// A tombstone for a job that is not live (already ended, or compacted away): nothing changed.
        case ignoredTombstone
        /// The offset is not above the last applied one (a re-read after a rewind): nothing changed.
        case ignoredOffset
    }

    private var live: [String: Entry] = [:]
    private var liveOffsets = OffsetSet()
    private var lastApplied: Int64?

    /// An empty index, before any record is read.
    public init() {}

    /// How many jobs are live.
    public var count: Int { live.count }

    /// The live entry of `jobID`, or nil when the job is not live.
    public subscript(jobID: String) -> Entry? { live[jobID] }

    /// Every live entry in ledger-offset order (the order the jobs entered submission).
    public var liveEntries: [Entry] { live.values.sorted { $0.offset < $1.offset } }

    /// The offset after the last applied record, or nil before any record: where reading continues.
    public var nextOffset: Int64? { lastApplied.map { $0 + 1 } }

    /// The lowest ledger offset still holding a live record, or `nextOffset` when nothing is live; nil before any
    /// record. Records below it are all dead, so a restore may start here.
    public var restoreCheckpoint: Int64? { liveOffsets.min ?? nextOffset }

    /// Folds one ledger record read at `offset` (offsets must come in ascending order; gaps are fine).
    @discardableResult
    public mutating func apply(offset: Int64, jobID: String, record: TaskLedgerRecord<Payload>) -> ApplyOutcome {
        if let lastApplied, offset <= lastApplied { return .ignoredOffset }
        lastApplied = offset
        let previous = live[jobID]
        if let previous { liveOffsets.remove(previous.offset) }
        switch record {
        case .tombstone:
            guard previous != nil else { return .ignoredTombstone }
            live[jobID] = nil
            return .removed
        case .submitting(let payload):
            insert(Entry(jobID: jobID, state: .submitting, payload: payload, offset: offset))
        case .submitted(let payload):
            insert(Entry(jobID: jobID, state: .submitted, payload: payload, offset: offset))
        case .published(let payload):
            insert(Entry(jobID: jobID, state: .published, payload: payload, offset: offset))
        }
        return previous == nil ? .added : .replaced
    }

    /// Forgets everything, as on revoke of the partition.
    public mutating func reset() {
        self = TaskLedgerIndex()
    }

    private mutating func insert(_ entry: Entry) {
        live[entry.jobID] = entry
        liveOffsets.insert(entry.offset)
    }
}

import AvatarJobs

/// Where each live record of one ledger partition sits, folded from one contiguous read of the partition: what its
/// restore checkpoint is computed from.
///
/// The checkpoint is the lowest offset that still holds a live record (``checkpoint``); a restore that starts there
/// misses nothing, because every record below it is dead (a later record of its `job_id`, or a tombstone, replaced
/// it) and a dead record never comes back to life. The proof needs the fold to have seen *every* record from where
/// it started to ``next``, including records other processes wrote (a prior owner's late answers): so it is fed only
/// by reads of the partition (the restore, then periodic scans from ``next``), never by this process's own writes,
/// whose neighbours it would not know. Offsets absent from a read (transaction markers, aborted records, compacted
/// records) hold nothing live.
///
/// A fold that started at an earlier safe checkpoint is as good as one from the beginning: every record below that
/// checkpoint was dead, so no tombstone or replacement past it can concern a record the fold has not seen.
public struct LedgerLiveOffsets: Sendable {
    /// The offset of each live job's latest record.
    private var latest: [String: Int64] = [:]
    private var liveOffsets = OffsetSet()

    /// The offset after the last record read: where the next scan starts.
    public private(set) var next: Int64
    /// Where the first read of this fold started (the checkpoint it was read from, or 0).
    public let start: Int64

    /// A fold of a read that starts at `offset` (the checkpoint it was read from, or 0 from the beginning).
    public init(startingAt offset: Int64) {
        start = max(0, offset)
        next = start
    }

    /// The fold of a restore: the live entries the read found, then everything up to `end` (the offset after the
    /// last record read) known dead.
    public init<Payload>(restored index: TaskLedgerIndex<Payload>, from start: Int64, end: Int64) {
        self.init(startingAt: start)
        for entry in index.liveEntries {
            apply(LedgerMark(offset: entry.offset, jobID: entry.jobID, state: entry.state))
        }
        advance(to: end)
    }

    /// How many jobs are live.
    public var liveCount: Int { latest.count }

    /// The lowest offset holding a live record, or ``next`` when nothing is live: a restore may start here.
    public var checkpoint: Int64 { liveOffsets.min ?? next }

    /// Folds one record (offsets must come in ascending order, at or above ``next``; a lower one is ignored as
    /// already read).
    public mutating func apply(_ mark: LedgerMark) {
        guard mark.offset >= next else { return }
        next = mark.offset + 1
        if let previous = latest[mark.jobID] { liveOffsets.remove(previous) }
        if mark.state == nil {
            latest[mark.jobID] = nil
        } else {
            latest[mark.jobID] = mark.offset
            liveOffsets.insert(mark.offset)
        }
    }

    /// Records that the read reached `end` (the offset after the last record it returned): offsets below it that
    /// gave no record hold nothing live.
    public mutating func advance(to end: Int64) {
        next = max(next, end)
    }
}

/// One record of a ledger scan: its offset, key and state (nil: a tombstone).
///
/// A record that has a key but cannot be decoded (a newer schema written by a newer worker during a rolling upgrade,
/// a damaged value) is ``unreadable(offset:jobID:)``: live, as cautiously as a `submitting` record, until a later
/// record of its key replaces it. Treating it as dead would let the checkpoint pass a job a newer owner can read.
public struct LedgerMark: Sendable, Hashable {
    /// The record's offset.
    public var offset: Int64
    /// The record key.
    public var jobID: String
    /// The record's state, or nil for a tombstone.
    public var state: TaskLedgerState?

    /// A scanned record.
    public init(offset: Int64, jobID: String, state: TaskLedgerState?) {
        self.offset = offset
        self.jobID = jobID
        self.state = state
    }
}

extension LedgerMark {
    /// The mark of a keyed record that cannot be decoded: live until its key gets a later record.
    public static func unreadable(offset: Int64, jobID: String) -> LedgerMark {
        LedgerMark(offset: offset, jobID: jobID, state: .submitting)
    }

    /// The mark of a keyed value read without decoding it (a scan): live until its key gets a later record, which is
    /// all the checkpoint asks of it (``LedgerLiveOffsets/apply(_:)`` treats every non-tombstone alike); the state
    /// is the cautious one of ``unreadable(offset:jobID:)``.
    public static func live(offset: Int64, jobID: String) -> LedgerMark {
        unreadable(offset: offset, jobID: jobID)
    }

    /// The mark of a keyed record read without decoding its value: a tombstone, or ``live(offset:jobID:)``.
    public static func undecoded(offset: Int64, jobID: String, isTombstone: Bool) -> LedgerMark {
        isTombstone ? LedgerMark(offset: offset, jobID: jobID, state: nil) : .live(offset: offset, jobID: jobID)
    }

    /// The mark of a decoded ledger record (nil: a tombstone).
    public init(offset: Int64, jobID: String, record: AvatarTaskRecord?) {
        let state: TaskLedgerState? = switch record?.state {
        case .submitting?: .submitting
        case .submitted?: .submitted
        case .published?: .published
        case nil: nil
        }
        self.init(offset: offset, jobID: jobID, state: state)
    }
}

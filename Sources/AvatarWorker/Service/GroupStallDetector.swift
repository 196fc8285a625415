/// Decides when this worker is a group member that the group has stopped feeding: it holds no partition, jobs wait
/// in the jobs topic, and nobody's committed offsets have moved, for longer than the stall timeout.
///
/// A member without partitions is normal when the fleet has more workers than partitions, so holding nothing is not
/// enough: the span only counts while some partition has a backlog (its end offset beyond the group's committed
/// offset) and no committed offset of the jobs topic has advanced since the span began. Any progress by any owner
/// starts the span again, so a surplus member of a working fleet never reports a stall. A fleet whose every owner
/// sits at its in-flight cap with long tasks commits nothing for a while too; the growing wait between rejoins
/// (twice the timeout after the first, up to 16 times) keeps such a member from forcing a rebalance often.
///
/// Pure and clock-free: ``GroupStallWatch`` feeds it samples and instants of its clock; the tests do the same.
struct GroupStallDetector<Instant: InstantProtocol> where Instant.Duration == Duration {
    /// One look at the group from this member.
    struct Sample: Equatable {
        /// Whether this member holds at least one jobs partition.
        var holdsPartitions: Bool
        /// Per jobs partition: the group's committed offset (nil: none yet) and the partition's end offset.
        var partitions: [Int32: Offsets]
    }

    /// A jobs partition's committed and end offsets.
    struct Offsets: Equatable {
        var committed: Int64?
        var end: Int64
        var low: Int64 = 0

        /// Records between the group's committed offset (or the log start when nothing is committed, or when the
        /// committed offset fell below it) and the end: the consumer lag, counted from what the partition still holds.
        var backlog: Int64 { ConsumerLag.of(high: end, low: low, committed: committed.map { max($0, low) }) }
    }

    /// What the detector concluded from a sample.
    enum Verdict: Equatable {
        /// Holding partitions, or nothing waits, or the fleet makes progress.
        case healthy
        /// Holding nothing while `waiting` jobs wait and no offset moved, since `since` (not yet long enough).
        case suspect(since: Instant, waiting: Int64)
        /// The same for at least the current timeout: the worker should rejoin now.
        case stalled(since: Instant, waiting: Int64)
    }

    /// How long a suspect span lasts before the first rejoin.
    let timeout: Duration
    private(set) var spanStart: Instant?
    private var baseline: [Int32: Int64?] = [:]
    /// Rejoins since this member last held a partition (each doubles the next wait, up to 16 × the timeout).
    private(set) var rejoinsWithoutAssignment = 0

    init(timeout: Duration) {
        self.timeout = timeout
    }

    /// The wait before the next rejoin: the timeout, doubled for every rejoin that brought no assignment.
    var currentTimeout: Duration { timeout * (1 << min(rejoinsWithoutAssignment, 4)) }

    /// Folds in a sample taken at `now`.
    mutating func observe(_ sample: Sample, at now: Instant) -> Verdict {
        if sample.holdsPartitions {
            reset()
            rejoinsWithoutAssignment = 0
            return .healthy
        }
        let waiting = sample.partitions.values.reduce(Int64(0)) { $0 + $1.backlog }
        guard waiting > 0 else {
            reset()
            return .healthy
        }
        let committed = sample.partitions.mapValues(\.committed)
        guard let start = spanStart, !advanced(from: baseline, to: committed) else {
            spanStart = now
            baseline = committed
            return .suspect(since: now, waiting: waiting)
        }
        if start.duration(to: now) >= currentTimeout { return .stalled(since: start, waiting: waiting) }
        return .suspect(since: start, waiting: waiting)
    }

    /// The worker rejoined at `now`: the next span starts here and waits twice as long.
    mutating func rejoined(at now: Instant) {
        rejoinsWithoutAssignment += 1
        spanStart = now
    }

    private mutating func reset() {
        spanStart = nil
        baseline = [:]
    }

    /// Whether any partition's committed offset moved forward (a partition new to the sample counts as progress only
    /// when it has a committed offset the baseline lacked).
    private func advanced(from old: [Int32: Int64?], to new: [Int32: Int64?]) -> Bool {
        new.contains { partition, offset in
            guard let offset else { return false }
            guard let previous = old[partition], let previous else { return true }
            return offset > previous
        }
    }
}

import HeapModule

/// The core's one timer structure: every deadline, retry backoff, poll, account probe, commit round and hand-over
/// bound is an entry here, ordered by due time; nothing sleeps per job.
///
/// Entries are never removed early. Whoever armed one keeps a token (or checks the state it was armed for) and an
/// entry that fires after its reason went away is simply ignored when it pops. That keeps arming and "cancelling"
/// O(log n) and O(1), and the heap is compacted when stale entries could dominate (``compact(keeping:)``).
/// Entries due at the same instant pop in the order they were armed, so a run replays exactly.
struct TimerHeap<Payload: Sendable>: Sendable {
    struct Entry: Comparable, Sendable {
        let due: WallClock.Instant
        let sequence: UInt64
        let payload: Payload

        static func < (lhs: Entry, rhs: Entry) -> Bool {
            (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence)
        }

        static func == (lhs: Entry, rhs: Entry) -> Bool {
            lhs.due == rhs.due && lhs.sequence == rhs.sequence
        }
    }

    private var heap = Heap<Entry>()
    private var sequence: UInt64 = 0

    /// How many entries are armed (including stale ones not popped yet).
    var count: Int { heap.count }

    /// The earliest due time, or nil when nothing is armed.
    var nextDue: WallClock.Instant? { heap.min?.due }

    /// Arms `payload` to fire at `due`.
    mutating func arm(_ payload: Payload, at due: WallClock.Instant) {
        sequence += 1
        heap.insert(Entry(due: due, sequence: sequence, payload: payload))
    }

    /// Removes and returns the earliest entry if it is due at `now`.
    mutating func popDue(at now: WallClock.Instant) -> Payload? {
        guard let first = heap.min, first.due <= now else { return nil }
        return heap.removeMin().payload
    }

    /// Drops every entry `isLive` says is stale, keeping the order of the rest; call when stale entries may
    /// outnumber live ones (after a revocation dropped many jobs).
    mutating func compact(keeping isLive: (Payload) -> Bool) {
        heap = Heap(heap.unordered.filter { isLive($0.payload) })
    }
}

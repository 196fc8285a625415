import HeapModule

/// A set of Kafka offsets that answers "which is the lowest?" in O(log n) while members leave in any order.
///
/// Both the offset ledger (pending and durable offsets) and the task-ledger index (offsets of live records) need the
/// minimum of a set whose members are removed out of order. A `Set` gives membership, a min-heap gives the minimum;
/// removals are lazy (a heap entry whose offset left the set is dropped when it reaches the top), and the heap is
/// rebuilt when stale entries outnumber live ones so memory stays proportional to the members.
struct OffsetSet: Sendable, Hashable {
    private var members: Set<Int64> = []
    private var heap = Heap<Int64>()

    /// How many offsets are in the set.
    var count: Int { members.count }

    /// Whether the set holds no offset.
    var isEmpty: Bool { members.isEmpty }

    /// Whether `offset` is in the set.
    func contains(_ offset: Int64) -> Bool { members.contains(offset) }

    /// The lowest offset in the set, or nil when it is empty.
    var min: Int64? { heap.min }

    /// Adds `offset`; returns false when it was already present.
    @discardableResult
    mutating func insert(_ offset: Int64) -> Bool {
        guard members.insert(offset).inserted else { return false }
        heap.insert(offset)
        return true
    }

    /// Removes `offset`; returns false when it was not present.
    @discardableResult
    mutating func remove(_ offset: Int64) -> Bool {
        guard members.remove(offset) != nil else { return false }
        dropStaleMinimums()
        if heap.count > 2 * members.count + 64 {
            heap = Heap(members)
        }
        return true
    }

    /// Removes every offset lower than `bound`.
    mutating func removeAll(below bound: Int64) {
        while let lowest = heap.min, lowest < bound {
            heap.removeMin()
            members.remove(lowest)
        }
    }

    /// Empties the set.
    mutating func removeAll() {
        members.removeAll()
        heap = Heap()
    }

    private mutating func dropStaleMinimums() {
        while let lowest = heap.min, !members.contains(lowest) {
            heap.removeMin()
        }
    }

    static func == (lhs: OffsetSet, rhs: OffsetSet) -> Bool { lhs.members == rhs.members }

    func hash(into hasher: inout Hasher) { hasher.combine(members) }
}

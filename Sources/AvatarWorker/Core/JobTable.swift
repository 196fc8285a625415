/// The core's tracked jobs by job id: each job in a heap box of its own, the dictionary holding only the boxes.
///
/// A `[String: PipelineJob]` keeps every value inline in its hash table, whose capacity is a power of two kept at most
/// three quarters full, with the occupied buckets spread over all of it. At 100,000 jobs of about 1.3 KB that was
/// 262,144 buckets, 333 MB, nearly every page touched: most of what `bench capacity` measured per task in flight.
/// Here a bucket is a key and a reference (24 bytes), and each job costs its own size once.
///
/// Value semantics are those of the dictionary it replaces: copies of a table share their boxes until one of them
/// writes a job, which then gets a box of its own (copy on write per job, `isKnownUniquelyReferenced`), so a copy of
/// the core (a test exploring two paths, the simulation) never sees another copy's changes. Tested in
/// `JobTableTests`.
struct JobTable: Sendable {
    /// One job's storage; only ever mutated while this table's dictionary holds the sole reference to it.
    final class Box: @unchecked Sendable {
        var job: PipelineJob
        init(_ job: PipelineJob) { self.job = job }
    }

    private var boxes: [String: Box] = [:]

    init() {}

    /// The job with this id; setting nil removes it.
    subscript(jobID: String) -> PipelineJob? {
        get { boxes[jobID]?.job }
        set {
            guard let newValue else {
                boxes[jobID] = nil
                return
            }
            guard let index = boxes.index(forKey: jobID) else {
                boxes[jobID] = Box(newValue)
                return
            }
            // Mutable access to the value makes the dictionary's storage unique first; a box still shared with a
            // copied table is then replaced, not written.
            if isKnownUniquelyReferenced(&boxes.values[index]) {
                boxes.values[index].job = newValue
            } else {
                boxes.values[index] = Box(newValue)
            }
        }
    }

    /// How many jobs are tracked.
    var count: Int { boxes.count }

    /// Whether none is.
    var isEmpty: Bool { boxes.isEmpty }

    /// Every job, in no particular order (read without copying the table).
    var values: LazyMapSequence<Dictionary<String, Box>.Values, PipelineJob> { boxes.values.lazy.map(\.job) }

    /// Every job id.
    var keys: Dictionary<String, Box>.Keys { boxes.keys }
}

/// An immutable heap copy of a large value that a struct holds rarely or briefly, so that the struct keeps only a
/// reference inline (8 bytes instead of the value's size) while it is absent; replacing it allocates a new box.
final class ImmutableBox<Value: Sendable>: Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}

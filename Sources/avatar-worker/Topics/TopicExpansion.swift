/// What `topics expand --partitions N` does to the worker's topics, decided before anything is sent.
///
/// Kafka can add partitions but never remove them, so N must be above every topic's count. The topics other than
/// the jobs topic grow first: a worker that learns of a new jobs partition must find its ledger partition there
/// already, and producers can route jobs to a new jobs partition the moment it exists.
struct TopicExpansion: Sendable, Equatable {
    /// Why the expansion cannot be done.
    enum Refusal: Error, Equatable, CustomStringConvertible {
        /// A topic does not exist.
        case missing(topics: [String])
        /// N is below some topic's count, or every topic has N already.
        case notLarger(requested: Int, counts: [String: Int])

        var description: String {
            switch self {
            case .missing(let topics):
                "topic\(topics.count == 1 ? "" : "s") \(topics.joined(separator: ", ")) missing: create the topics first "
                    + "(avatar-worker topics create)"
            case .notLarger(let requested, let counts):
                "--partitions \(requested) does not grow the topics ("
                    + counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
                    + "); Kafka cannot remove partitions, so give a count above the current one"
            }
        }
    }

    /// The first request: every topic but the jobs topic, to `partitions`.
    let first: [String: Int32]
    /// The second request: the jobs topic, to `partitions`.
    let second: [String: Int32]
    let partitions: Int
    /// Every topic of the fleet, grown or not.
    let topics: [String]

    /// The expansion of `topics` (with their current `counts`; a missing topic is absent) to `partitions`. A topic
    /// that has `partitions` already is left alone, so a run stopped half-way can be repeated.
    /// - Throws: ``Refusal`` for a missing topic, a topic with more than `partitions`, or when every topic has
    ///   `partitions` already.
    static func plan(_ topics: [WorkerTopic], counts: [String: Int], to partitions: Int) throws(Refusal) -> TopicExpansion {
        let missing = topics.filter { counts[$0.name] == nil }.map(\.name)
        guard missing.isEmpty else { throw .missing(topics: missing) }
        let current = Dictionary(topics.map { ($0.name, counts[$0.name] ?? 0) }, uniquingKeysWith: { first, _ in first })
        guard current.values.allSatisfy({ $0 <= partitions }), current.values.contains(where: { $0 < partitions }) else {
            throw .notLarger(requested: partitions, counts: current)
        }
        var first: [String: Int32] = [:]
        var second: [String: Int32] = [:]
        for topic in topics where current[topic.name, default: 0] < partitions {
            if topic.role == .jobs { second[topic.name] = Int32(partitions) } else { first[topic.name] = Int32(partitions) }
        }
        return TopicExpansion(first: first, second: second, partitions: partitions, topics: topics.map(\.name))
    }

    /// The topics whose count in `counts` is not `partitions` (after the expansion, none should be).
    func mismatches(in counts: [String: Int]) -> [String] {
        topics.filter { counts[$0] != partitions }
    }
}

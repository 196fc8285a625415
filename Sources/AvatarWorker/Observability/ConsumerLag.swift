/// The consumer lag of one jobs partition: the jobs a group has not yet stored as durable.
///
/// The worker stores a job's offset once the job's fate is durable (its `submitted` record or its terminal event is
/// acknowledged), so this lag counts jobs not yet submitted: the number the autoscaler scales on (KEDA computes the
/// same from the same two offsets), and the one an alert on a growing backlog needs.
enum ConsumerLag {
    /// `high - committed`, never negative; when the group has committed nothing (a negative offset) every message still
    /// in the partition counts (`high - low`), since a new group starts at the earliest offset.
    static func of(high: Int64, low: Int64, committed: Int64?) -> Int64 {
        guard let committed, committed >= 0 else { return max(0, high - max(0, low)) }
        return max(0, high - committed)
    }
}

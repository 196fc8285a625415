/// Why an in-flight capacity cannot be set up or used as asked.
public enum CapacityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The fleet cap is below the number of jobs partitions, so some partition would get a share of 0 and its jobs
    /// would never run. Raise the cap to at least the partition count (or use fewer partitions).
    case capBelowPartitionCount(fleetCap: Int, partitionCount: Int)
    /// The fleet cap or partition count is not positive.
    case notPositive(name: String, value: Int)
    /// A partition number below 0 was assigned (Kafka never numbers one so).
    case partitionOutOfRange(partition: Int32, partitionCount: Int)

    public var description: String {
        switch self {
        case .capBelowPartitionCount(let cap, let count):
            "fleet in-flight cap \(cap) is below the jobs topic's partition count \(count); every partition needs a "
                + "share of at least 1, so the cap must be >= \(count)"
        case .notPositive(let name, let value):
            "\(name) must be at least 1, got \(value)"
        case .partitionOutOfRange(let partition, let count):
            "partition \(partition) is not a partition number (the jobs topic has \(count) partitions, numbered from 0)"
        }
    }
}

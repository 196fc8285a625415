import ArgumentParser
import Kafka

/// Which dead letters `dlq list` and `dlq replay` look at: by error code, key, partition and offset range. Offsets
/// bound the read itself (each partition is read only from `--from-offset` to `--to-offset`), the rest is matched.
struct DeadLetterFilter: ParsableArguments {
    @Option(name: .customLong("error-code"), help: "Only dead letters with this error code (repeatable).")
    var errorCodes: [String] = []

    @Option(name: .customLong("key"), help: "Only dead letters with this key, i.e. job id (repeatable).")
    var keys: [String] = []

    @Option(name: .customLong("partition"), help: "Only this dead-letter partition (repeatable).")
    var partitions: [Int32] = []

    @Option(name: .customLong("from-offset"), help: "Only offsets at or above this one (in every partition read).")
    var fromOffset: Int64?

    @Option(name: .customLong("to-offset"), help: "Only offsets at or below this one (in every partition read).")
    var toOffset: Int64?

    func validate() throws {
        if let fromOffset, fromOffset < 0 { throw ValidationError("--from-offset must not be negative") }
        if let fromOffset, let toOffset, toOffset < fromOffset {
            throw ValidationError("--to-offset \(toOffset) is below --from-offset \(fromOffset)")
        }
        if let negative = partitions.first(where: { $0 < 0 }) { throw ValidationError("--partition \(negative) is negative") }
    }

    /// Whether `letter` passes the matched criteria (offsets were applied by the read).
    func matches(_ letter: DeadLetter) -> Bool {
        if !errorCodes.isEmpty, !errorCodes.contains(letter.errorCode ?? "") { return false }
        if !keys.isEmpty, !keys.contains(letter.key ?? "") { return false }
        return true
    }

    /// The dead letters of `topic` passing the filter, read partition by partition within the offset range.
    func read(topic: String, configuration: KafkaConfiguration) async throws -> [DeadLetter] {
        let count = try await KafkaAdmin(configuration: configuration).partitionCount(of: topic)
        let wanted = (0..<Int32(count)).filter { partitions.isEmpty || partitions.contains($0) }
        let reader = try KafkaPartitionReader(configuration: configuration)
        var letters: [DeadLetter] = []
        for partition in wanted {
            _ = try await reader.read(
                topic: topic, partition: partition, from: fromOffset ?? KafkaOffset.beginning,
                until: toOffset.map { $0 + 1 }, batchSize: 64
            ) { records in
                letters += records.map(DeadLetter.init).filter(matches)
            }
        }
        return letters
    }
}

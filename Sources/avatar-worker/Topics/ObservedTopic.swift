import Foundation
import Kafka

/// What the cluster said about one worker topic: whether it exists, its partition count and its configs.
struct ObservedTopic: Sendable, Hashable {
    let topic: WorkerTopic
    /// The partition count, or nil when the topic does not exist.
    let partitions: Int?
    /// The configs the broker reported (some brokers report only those set on the topic).
    let configs: KafkaTopicConfigs
    /// Why the configs could not be read, when they could not.
    let configError: String?

    /// The configs `topics check` shows and judges, in the order it shows them.
    static let shownConfigs = [
        "cleanup.policy", "retention.ms", "segment.ms", "min.cleanable.dirty.ratio", "delete.retention.ms",
        "min.compaction.lag.ms", "max.compaction.lag.ms", "max.message.bytes",
    ]

    /// The `cleanup.policy` entries (`compact`, `delete`), or nil when not reported.
    var cleanupPolicies: Set<String>? {
        configs["cleanup.policy"].map { Set($0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }) }
    }

    /// A `*.ms` config as milliseconds, or nil when not reported or not a number.
    func milliseconds(_ name: String) -> Int64? { configs[name].flatMap { Int64($0) } }
}

/// A partition together with the epoch of its current assignment to this consumer.
public struct KafkaAssignedPartition: Hashable, Sendable, CustomStringConvertible {
    /// The partition.
    public var topicPartition: KafkaTopicPartition
    /// Its assignment epoch: unique per assignment, larger for later assignments (see ``KafkaConsumerMessage/epoch``).
    public var epoch: UInt64

    /// Creates a value.
    public init(topicPartition: KafkaTopicPartition, epoch: UInt64) {
        self.topicPartition = topicPartition
        self.epoch = epoch
    }

    /// `topic[partition]#epoch`.
    public var description: String { "\(topicPartition)#\(epoch)" }
}

/// What a rebalance is about to do to this consumer, told to the application's ``KafkaRebalanceHandler`` before it
/// takes effect.
public enum KafkaRebalanceEvent: Hashable, Sendable {
    /// These partitions are about to be assigned, each with a new epoch. No message of theirs has been delivered yet;
    /// restore per-partition state now, or ``KafkaConsumer/pause(_:)`` them to hold messages back until it is restored.
    case assigned([KafkaAssignedPartition])
    /// These partitions are about to be revoked. Store their final offsets now (``KafkaConsumer/storeOffset(_:offset:epoch:)``);
    /// they are committed with the group's next commit. When `lost` is true the group already gave them to another
    /// member (session timeout), so offsets can no longer be committed and in-flight work must simply be dropped.
    case revoked([KafkaAssignedPartition], lost: Bool)
}

/// The application's rebalance duty, called synchronously on the consumer's poll thread inside librdkafka's rebalance
/// callback, before the assignment changes.
///
/// It may call ``KafkaConsumer/storeOffset(_:offset:epoch:)``, ``KafkaConsumer/pause(_:)`` and
/// ``KafkaConsumer/resume(_:)``, and may block for a while (the group waits up to `max.poll.interval.ms`), but must
/// not call ``KafkaConsumer/close()`` or wait for the message sequence.
public typealias KafkaRebalanceHandler = @Sendable (KafkaRebalanceEvent) -> Void

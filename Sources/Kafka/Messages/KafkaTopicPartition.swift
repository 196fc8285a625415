import CRdKafka

/// One partition of one topic: the unit of assignment, pausing, offsets and epochs.
public struct KafkaTopicPartition: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The topic name.
    public var topic: String
    /// The partition number (0-based).
    public var partition: Int32

    /// Names one partition.
    public init(topic: String, partition: Int32) {
        self.topic = topic
        self.partition = partition
    }

    /// `topic[partition]`.
    public var description: String { "\(topic)[\(partition)]" }

    /// Orders by topic, then partition, so lists print and compare predictably.
    public static func < (lhs: KafkaTopicPartition, rhs: KafkaTopicPartition) -> Bool {
        (lhs.topic, lhs.partition) < (rhs.topic, rhs.partition)
    }
}

/// Special offsets understood wherever an offset is accepted.
public enum KafkaOffset {
    /// The earliest offset still in the partition.
    public static let beginning: Int64 = Int64(RD_KAFKA_OFFSET_BEGINNING)
    /// The offset after the last message (only new messages).
    public static let end: Int64 = Int64(RD_KAFKA_OFFSET_END)
    /// The committed (or stored) offset of the group.
    public static let stored: Int64 = Int64(RD_KAFKA_OFFSET_STORED)
    /// No offset: nothing committed, or the position is unknown.
    public static let invalid: Int64 = Int64(RD_KAFKA_OFFSET_INVALID)
}

/// The low and high watermark of a partition: the first offset still held and the offset the next message will get.
///
/// A reader has read a partition "to its end" once its next offset is ``high``.
public struct KafkaWatermarks: Hashable, Sendable {
    /// The earliest offset still in the partition.
    public var low: Int64
    /// The offset of the next message to be written (one past the last).
    public var high: Int64

    /// Creates watermarks.
    public init(low: Int64, high: Int64) {
        self.low = low
        self.high = high
    }
}

/// Conversions between Swift partition lists and `rd_kafka_topic_partition_list_t`.
enum TopicPartitionList {
    /// A new list holding `entries` (partition, offset); the caller destroys it.
    static func make(_ entries: [(KafkaTopicPartition, Int64)]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        let list = rd_kafka_topic_partition_list_new(Int32(clamping: max(entries.count, 1)))!
        for (topicPartition, offset) in entries {
            let element = rd_kafka_topic_partition_list_add(list, topicPartition.topic, topicPartition.partition)!
            element.pointee.offset = offset
        }
        return list
    }

    /// A new list of `partitions` with unset offsets; the caller destroys it.
    static func make(_ partitions: [KafkaTopicPartition]) -> UnsafeMutablePointer<rd_kafka_topic_partition_list_t> {
        make(partitions.map { ($0, KafkaOffset.invalid) })
    }

    /// Every element of `list` as (partition, offset, per-element error).
    static func entries(
        _ list: UnsafePointer<rd_kafka_topic_partition_list_t>?
    ) -> [(partition: KafkaTopicPartition, offset: Int64, error: KafkaErrorCode)] {
        guard let list, let elements = list.pointee.elems else { return [] }
        return (0..<Int(list.pointee.cnt)).map { index in
            let element = elements[index]
            return (
                KafkaTopicPartition(topic: CString.string(element.topic), partition: element.partition),
                element.offset, KafkaErrorCode(element.err)
            )
        }
    }

    /// The partitions of `list`.
    static func partitions(_ list: UnsafePointer<rd_kafka_topic_partition_list_t>?) -> [KafkaTopicPartition] {
        entries(list).map(\.partition)
    }
}

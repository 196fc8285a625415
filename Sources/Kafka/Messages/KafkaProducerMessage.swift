/// A record to produce: where it goes and what it holds.
///
/// `partition` nil lets librdkafka's partitioner choose (by key hash, or sticky when there is no key); a number writes
/// to exactly that partition, which is how records that must sit beside another topic's partition are placed.
/// `value` nil produces a tombstone (deletes the key in a compacted topic).
public struct KafkaProducerMessage: Hashable, Sendable {
    /// The topic to write to.
    public var topic: String
    /// The partition to write to, or nil for the configured partitioner.
    public var partition: Int32?
    /// The key, or nil for none.
    public var key: [UInt8]?
    /// The value, or nil for a tombstone.
    public var value: [UInt8]?
    /// Record headers, in order.
    public var headers: [KafkaHeader]

    /// A record with raw bytes.
    public init(
        topic: String, partition: Int32? = nil, key: [UInt8]? = nil, value: [UInt8]?, headers: [KafkaHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }

    /// A record with a UTF-8 key and value (nil value = tombstone).
    public init(
        topic: String, partition: Int32? = nil, key: String?, value: String?, headers: [KafkaHeader] = []
    ) {
        self.init(
            topic: topic, partition: partition, key: key.map { Array($0.utf8) }, value: value.map { Array($0.utf8) },
            headers: headers)
    }

    /// `topic[partition]` or `topic[any]`, for error messages.
    var destination: String { "\(topic)[\(partition.map(String.init) ?? "any")]" }
}

/// Where a produced record was durably written, as acknowledged by the broker.
public struct KafkaDeliveryReport: Hashable, Sendable, CustomStringConvertible {
    /// The topic written to.
    public var topic: String
    /// The partition written to.
    public var partition: Int32
    /// The record's offset in that partition.
    public var offset: Int64

    /// Creates a report.
    public init(topic: String, partition: Int32, offset: Int64) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
    }

    /// `topic[partition]@offset`.
    public var description: String { "\(topic)[\(partition)]@\(offset)" }
}

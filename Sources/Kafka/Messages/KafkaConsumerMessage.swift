import CRdKafka

/// A record received by a consumer, copied out of librdkafka (the native message is destroyed on receipt).
///
/// Missing keys and tombstones (nil value) are ordinary values. ``epoch`` identifies the assignment of the partition
/// the record arrived under: it changes each time the partition is assigned to this consumer, so work that finishes
/// after its partition was revoked (and maybe re-assigned) can be recognised as late and dropped.
public struct KafkaConsumerMessage: Hashable, Sendable {
    /// The topic it came from.
    public var topic: String
    /// The partition it came from.
    public var partition: Int32
    /// Its offset in that partition.
    public var offset: Int64
    /// The key, nil when the record has none.
    public var key: [UInt8]?
    /// The value, nil for a tombstone.
    public var value: [UInt8]?
    /// Record headers, in wire order.
    public var headers: [KafkaHeader]
    /// The record timestamp in milliseconds since 1970, when the broker or producer set one.
    public var timestampMilliseconds: Int64?
    /// The assignment epoch of the partition when this record was handed over (0 outside a group consumer).
    public var epoch: UInt64

    /// Creates a message (tests and adapters; consumers build them from librdkafka's messages).
    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: [UInt8]?,
        headers: [KafkaHeader] = [], timestampMilliseconds: Int64? = nil, epoch: UInt64 = 0
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
        self.epoch = epoch
    }

    /// The partition this record came from.
    public var topicPartition: KafkaTopicPartition { KafkaTopicPartition(topic: topic, partition: partition) }

    /// True when the record deletes its key (no value).
    public var isTombstone: Bool { value == nil }

    /// The key as UTF-8 text, nil when absent or not valid UTF-8.
    public var keyText: String? { key.flatMap { String(validating: $0, as: UTF8.self) } }

    /// The value as UTF-8 text, nil for a tombstone or invalid UTF-8.
    public var valueText: String? { value.flatMap { String(validating: $0, as: UTF8.self) } }

    /// The first header named `name`.
    public func header(_ name: String) -> KafkaHeader? { headers.first { $0.name == name } }

    /// Copies a successfully received librdkafka message (the caller still destroys it); its headers only when
    /// `decodesHeaders`.
    init(
        native message: UnsafeMutablePointer<rd_kafka_message_t>, topic: String, epoch: UInt64, decodesHeaders: Bool = true
    ) {
        let record = message.pointee
        self.topic = topic
        self.partition = record.partition
        self.offset = record.offset
        self.key = record.key.map { Array(UnsafeRawBufferPointer(start: $0, count: record.key_len)) }
        self.value = record.payload.map { Array(UnsafeRawBufferPointer(start: $0, count: record.len)) }
        self.headers = decodesHeaders ? KafkaHeader.decode(message) : []
        var timestampType = RD_KAFKA_TIMESTAMP_NOT_AVAILABLE
        let timestamp = rd_kafka_message_timestamp(message, &timestampType)
        self.timestampMilliseconds = timestampType == RD_KAFKA_TIMESTAMP_NOT_AVAILABLE ? nil : timestamp
        self.epoch = epoch
    }
}

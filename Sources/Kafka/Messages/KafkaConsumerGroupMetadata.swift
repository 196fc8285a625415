import CRdKafka

/// A consumer's group membership (group, generation, member), as a transactional producer needs it to commit the
/// consumer's offsets inside a transaction (``KafkaProducer/sendOffsetsToTransaction(_:groupMetadata:timeout:)``).
///
/// Held as librdkafka's own serialised form, so it is a plain value with no native lifetime to manage. Take it right
/// before sending offsets: it goes stale when the group rebalances, and the broker then refuses the offsets.
public struct KafkaConsumerGroupMetadata: Hashable, Sendable {
    /// librdkafka's serialised `rd_kafka_consumer_group_metadata_t`.
    public let serialized: [UInt8]

    /// Wraps serialised metadata.
    public init(serialized: [UInt8]) { self.serialized = serialized }

    /// Reads the current metadata of a group consumer's handle.
    static func read(from handle: RdKafkaHandle) throws(KafkaError) -> KafkaConsumerGroupMetadata {
        let operation = "read consumer group metadata"
        guard let native = rd_kafka_consumer_group_metadata(handle.pointer) else {
            throw KafkaError(code: .invalidState, reason: "the consumer has no group.id", operation: operation)
        }
        defer { rd_kafka_consumer_group_metadata_destroy(native) }
        var buffer: UnsafeMutableRawPointer?
        var size = 0
        try KafkaError.check(rd_kafka_consumer_group_metadata_write(native, &buffer, &size), operation: operation)
        guard let buffer else { return KafkaConsumerGroupMetadata(serialized: []) }
        defer { rd_kafka_mem_free(nil, buffer) }
        return KafkaConsumerGroupMetadata(serialized: Array(UnsafeRawBufferPointer(start: buffer, count: size)))
    }

    /// Runs `body` with a native copy that exists only for the call.
    func withNative<T>(_ body: (OpaquePointer) throws(KafkaError) -> T) throws(KafkaError) -> T {
        let operation = "decode consumer group metadata"
        var native: OpaquePointer?
        let error = serialized.withUnsafeBytes { bytes in
            rd_kafka_consumer_group_metadata_read(&native, bytes.baseAddress, bytes.count)
        }
        try KafkaError.check(error, operation: operation)
        guard let native else {
            throw KafkaError(code: .invalidArgument, reason: "no metadata decoded", operation: operation)
        }
        defer { rd_kafka_consumer_group_metadata_destroy(native) }
        return try body(native)
    }
}

import CRdKafka

/// A librdkafka queue handle (`rd_kafka_queue_t *`) shared between a client's threads.
///
/// Why `@unchecked Sendable` is sound: the wrapper is an immutable pointer; librdkafka's queue operations are
/// thread-safe; the owning client destroys it exactly once, after its poll thread has stopped and before the client
/// handle is destroyed.
struct RdKafkaQueue: @unchecked Sendable {
    /// The raw queue handle.
    let pointer: OpaquePointer

    /// Releases the queue handle.
    func destroy() { rd_kafka_queue_destroy(pointer) }
}

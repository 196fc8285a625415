import CRdKafka
import Synchronization

/// The producer's `rd_kafka_topic_t` handles, created once per topic name and destroyed with the producer, so a
/// produce call skips librdkafka's topic lookup by name.
///
/// Why `@unchecked Sendable` is sound for ``Handle``: an immutable pointer to a topic handle, which librdkafka allows
/// any thread to produce with; all of them are destroyed in ``destroyAll()``, which the producer calls only after its
/// enqueue gate is closed and before the client handle is destroyed.
final class ProducerTopicHandles: Sendable {
    /// One topic handle.
    struct Handle: @unchecked Sendable {
        let pointer: OpaquePointer
    }

    private let handles = Mutex<[String: Handle]>([:])

    /// The handle for `topic`, created on first use; nil when librdkafka refuses the name.
    func handle(for topic: String, client: RdKafkaHandle) -> Handle? {
        handles.withLock { handles in
            if let existing = handles[topic] { return existing }
            guard let created = rd_kafka_topic_new(client.pointer, topic, nil) else { return nil }
            let handle = Handle(pointer: created)
            handles[topic] = handle
            return handle
        }
    }

    /// Releases every handle (librdkafka keeps its own reference while messages are queued).
    func destroyAll() {
        let all = handles.withLock { handles in
            defer { handles = [:] }
            return Array(handles.values)
        }
        for handle in all { rd_kafka_topic_destroy(handle.pointer) }
    }
}

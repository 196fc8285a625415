import CRdKafka

extension KafkaProducer {
    static let enqueueOperation = "enqueue message"

    /// The most messages handed to one `rd_kafka_produce_batch` call.
    static let enqueueRunLimit = 256

    /// A message that met a full local queue: it and every later one are not queued yet.
    struct QueueFull {
        var index: Int
        var error: KafkaError
    }

    /// Hands `messages[start...]` to librdkafka, each with its delivery slot as opaque, and records in `slots` every
    /// message that could not be queued for a reason other than a full queue.
    ///
    /// Runs of messages without headers for one topic go through `rd_kafka_produce_batch`: one producibility check,
    /// one clock read and one topic lock per run instead of per message, which is most of librdkafka's enqueue cost
    /// for small messages. A message with headers goes alone through `rd_kafka_producev` (the batch call has no
    /// headers). Partitions are per message (`RD_KAFKA_MSG_F_PARTITION`; an unset one runs the partitioner), and
    /// payloads and keys are copied (`RD_KAFKA_MSG_F_COPY`) out of one scratch buffer that holds a run's bytes, so no
    /// pointer into a Swift array outlives the closure that lent it.
    /// - Returns: where the local queue was full, or nil when every message was queued or failed for good.
    func enqueue(_ messages: [KafkaProducerMessage], from start: Int, slots: DeliverySlots) -> QueueFull? {
        guard gate.enter() else {
            let closed = KafkaError(
                code: KafkaErrorCode(RD_KAFKA_RESP_ERR__STATE), reason: "the producer is closed",
                operation: Self.enqueueOperation)
            for index in start..<messages.count { slots.record(closed, at: index) }
            return nil
        }
        defer { gate.leave() }
        var batch = EnqueueBatch(capacity: min(Self.enqueueRunLimit, messages.count - start))
        defer { batch.deallocate() }
        var topic: (name: String, handle: ProducerTopicHandles.Handle?)?
        var index = start
        while index < messages.count {
            // Serve ready delivery reports inline (non-blocking): at bulk rates this saves the poll thread a wake-up
            // per report batch, which is most of the cost of a report.
            deliveries.served(rd_kafka_poll(handle.pointer, 0))
            if topic?.name != messages[index].topic {
                topic = (messages[index].topic, topics.handle(for: messages[index].topic, client: handle))
            }
            guard let topicHandle = topic?.handle else {
                slots.record(
                    KafkaError(
                        code: .invalidArgument, reason: "invalid topic name \"\(messages[index].topic)\"",
                        operation: Self.enqueueOperation),
                    at: index)
                index += 1
                continue
            }
            if !messages[index].headers.isEmpty {
                let code = produceOne(messages[index], topic: topicHandle, opaque: slots.opaque(at: index))
                if code == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                    return QueueFull(index: index, error: Self.enqueueError(code, messages[index]))
                }
                if code != RD_KAFKA_RESP_ERR_NO_ERROR { slots.record(Self.enqueueError(code, messages[index]), at: index) }
                index += 1
                continue
            }
            var end = index
            while end < messages.count, end - index < Self.enqueueRunLimit, messages[end].headers.isEmpty,
                messages[end].topic == messages[index].topic
            {
                end += 1
            }
            batch.fill(messages[index..<end], opaque: { slots.opaque(at: $0) })
            _ = rd_kafka_produce_batch(
                topicHandle.pointer, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY | RD_KAFKA_MSG_F_PARTITION,
                batch.natives, Int32(end - index))
            for offset in 0..<(end - index) {
                let code = batch.natives[offset].err
                if code == RD_KAFKA_RESP_ERR_NO_ERROR { continue }
                let message = messages[index + offset]
                // librdkafka gives every message after the first full-queue one the same error, unqueued.
                if code == RD_KAFKA_RESP_ERR__QUEUE_FULL {
                    return QueueFull(index: index + offset, error: Self.enqueueError(code, message))
                }
                slots.record(Self.enqueueError(code, message), at: index + offset)
            }
            index = end
        }
        return nil
    }

    /// Produces one message (with headers) through `rd_kafka_producev`; returns librdkafka's code.
    private func produceOne(
        _ message: KafkaProducerMessage, topic: ProducerTopicHandles.Handle, opaque: UnsafeMutableRawPointer
    ) -> rd_kafka_resp_err_t {
        let headers = KafkaHeader.makeNative(message.headers)
        let code = Self.withBytes(message.value) { value, valueCount in
            Self.withBytes(message.key) { key, keyCount in
                crdkafka_produce(
                    handle.pointer, topic.pointer, message.partition ?? RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
                    value, valueCount, key, keyCount, headers, opaque)
            }
        }
        if code != RD_KAFKA_RESP_ERR_NO_ERROR, let headers { rd_kafka_headers_destroy(headers) }
        return code
    }

    static func enqueueError(_ code: rd_kafka_resp_err_t, _ message: KafkaProducerMessage) -> KafkaError {
        let code = KafkaErrorCode(code)
        return KafkaError(code: code, reason: "\(code.explanation) (\(message.destination))", operation: enqueueOperation)
    }

    /// Backing storage for a non-nil pointer to zero bytes, so an empty value stays distinct from a null one.
    private static let placeholder: [UInt8] = [0]

    private static func withBytes<R>(_ bytes: [UInt8]?, _ body: (UnsafeRawPointer?, Int) -> R) -> R {
        guard let bytes else { return body(nil, 0) }
        if bytes.isEmpty { return placeholder.withUnsafeBytes { body($0.baseAddress, 0) } }
        return bytes.withUnsafeBytes { body($0.baseAddress, $0.count) }
    }
}

/// The `rd_kafka_message_t` array of one `rd_kafka_produce_batch` call and a scratch buffer holding the run's keys
/// and values (librdkafka copies them out during the call). Owned by one enqueue call; never shared.
struct EnqueueBatch {
    let natives: UnsafeMutablePointer<rd_kafka_message_t>
    private let capacity: Int
    private var scratch: UnsafeMutableRawBufferPointer

    /// Room for `capacity` messages; the scratch buffer is sized by the first run that needs it (a single `send`
    /// allocates no more than its own bytes).
    init(capacity: Int) {
        self.capacity = capacity
        natives = .allocate(capacity: max(capacity, 1))
        scratch = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    }

    func deallocate() {
        natives.deallocate()
        scratch.deallocate()
    }

    /// Describes `messages` (at most `capacity`) in `natives`, their bytes copied into the scratch buffer.
    mutating func fill(_ messages: ArraySlice<KafkaProducerMessage>, opaque: (Int) -> UnsafeMutableRawPointer) {
        precondition(messages.count <= capacity)
        let first = messages.startIndex
        messages.withUnsafeBufferPointer { buffer in
            var needed = 0
            for slot in buffer.indices {
                needed += (buffer[slot].value.map { max($0.count, 1) } ?? 0) + (buffer[slot].key.map { max($0.count, 1) } ?? 0)
            }
            if needed > scratch.count || scratch.baseAddress == nil {
                // Sized by the largest run so far; stays that size for the rest of this call.
                scratch.deallocate()
                scratch = .allocate(byteCount: max(needed, 1), alignment: 16)
            }
            let base = scratch.baseAddress!
            var used = 0
            func place(_ bytes: [UInt8]?) -> (UnsafeMutableRawPointer?, Int) {
                guard let bytes else { return (nil, 0) }
                let start = base + used
                bytes.withUnsafeBytes { source in
                    if let address = source.baseAddress { start.copyMemory(from: address, byteCount: source.count) }
                }
                // An empty value still gets a distinct, non-null address: empty is not a tombstone.
                used += max(bytes.count, 1)
                return (start, bytes.count)
            }
            for slot in buffer.indices {
                let (value, valueCount) = place(buffer[slot].value)
                let (key, keyCount) = place(buffer[slot].key)
                var native = rd_kafka_message_t()
                native.partition = buffer[slot].partition ?? RD_KAFKA_PARTITION_UA
                native.payload = value
                native.len = valueCount
                native.key = key
                native.key_len = keyCount
                native._private = opaque(first + slot)
                natives[slot] = native
            }
        }
    }
}

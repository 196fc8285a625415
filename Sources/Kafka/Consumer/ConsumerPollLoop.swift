import CRdKafka
import Dispatch

/// The body of a consumer's poll thread: fetches while an iterator waits or to have the next batch ready, and once the
/// iterator stays away keeps polling with every partition paused, so the member stays in its group
/// (`max.poll.interval.ms`) without buffering more than a batch in Swift.
struct ConsumerPollLoop: Sendable {
    let handle: RdKafkaHandle
    let queue: RdKafkaQueue
    let coordinator: ConsumerCoordinator
    let context: KafkaClientContext
    /// False: records are handed over without their headers (see ``KafkaConsumer/init(configuration:batchSize:backpressureDelay:decodesHeaders:logger:)``).
    let decodesHeaders: Bool

    /// How long one poll may block: bounds the delay of close and of rebalance callbacks.
    static let pollTimeoutMilliseconds: Int32 = 100

    func run(on thread: PollThread) {
        var natives = [UnsafeMutablePointer<rd_kafka_message_t>?](repeating: nil, count: coordinator.batchSize)
        while !thread.isStopping {
            switch coordinator.nextStep(handle.pointer) {
            case .fetch, .pollPaused:
                let batch = fetch(into: &natives)
                coordinator.offer(batch)
            case .wait(let duration):
                if duration > .zero {
                    let nanoseconds = Int(KafkaConfiguration.millisecondCount(duration)) * 1_000_000
                    _ = coordinator.wakeup.wait(timeout: .now() + .nanoseconds(nanoseconds))
                }
            }
        }
    }

    /// Polls once with a timeout, then takes whatever else is ready, up to one batch; converts and destroys it all.
    private func fetch(into natives: inout [UnsafeMutablePointer<rd_kafka_message_t>?]) -> [KafkaConsumerMessage] {
        guard let first = rd_kafka_consumer_poll(handle.pointer, Self.pollTimeoutMilliseconds) else { return [] }
        natives[0] = first
        var count = 1
        if natives.count > 1 {
            let more = natives.withUnsafeMutableBufferPointer { buffer in
                rd_kafka_consume_batch_queue(queue.pointer, 0, buffer.baseAddress! + 1, buffer.count - 1)
            }
            if more > 0 { count += more }
        }
        let epochs = coordinator.epochs()
        var batch: [KafkaConsumerMessage] = []
        batch.reserveCapacity(count)
        var lastTopic: (OpaquePointer?, String) = (nil, "")
        var lastEpoch: (topic: OpaquePointer?, partition: Int32, epoch: UInt64) = (nil, -1, 0)
        for index in 0..<count {
            guard let message = natives[index] else { continue }
            natives[index] = nil
            defer { rd_kafka_message_destroy(message) }
            if message.pointee.err != RD_KAFKA_RESP_ERR_NO_ERROR {
                report(message)
                continue
            }
            if lastTopic.0 != message.pointee.rkt {
                lastTopic = (message.pointee.rkt, CString.string(rd_kafka_topic_name(message.pointee.rkt)))
            }
            if lastEpoch.topic != message.pointee.rkt || lastEpoch.partition != message.pointee.partition {
                let partition = KafkaTopicPartition(topic: lastTopic.1, partition: message.pointee.partition)
                lastEpoch = (message.pointee.rkt, message.pointee.partition, epochs[partition] ?? 0)
            }
            batch.append(KafkaConsumerMessage(
                native: message, topic: lastTopic.1, epoch: lastEpoch.epoch, decodesHeaders: decodesHeaders))
        }
        return batch
    }

    /// A consumer error event: fatal ones end the sequence, the others are logged and published.
    private func report(_ message: UnsafeMutablePointer<rd_kafka_message_t>) {
        let code = KafkaErrorCode(message.pointee.err)
        if code == .partitionEOF { return }
        let topic = message.pointee.rkt.map { CString.string(rd_kafka_topic_name($0)) } ?? "consumer"
        var error = KafkaError(
            code: code, reason: CString.consumerError(message), operation: "consume \(topic)")
        if code == .fatal, let fatal = handle.fatalError(operation: "consume") { error = fatal }
        if error.isFatal {
            context.logger.critical("fatal consumer error", metadata: ["error": "\(error)"])
            context.eventSink.yield(.fatal(error))
            coordinator.fail(error)
        } else {
            context.logger.warning("consumer error", metadata: ["error": "\(error)"])
            context.eventSink.yield(.error(error))
        }
    }
}

import CRdKafka
import Logging
import Synchronization

/// An asynchronous Kafka producer over librdkafka: idempotent by default, with awaited delivery reports, bulk sends,
/// back-pressure instead of `QUEUE_FULL` failures, and (with a `transactional.id`) transactions.
///
/// Share one producer across the whole process: it is `Sendable`, every method may be called from any task, and
/// librdkafka batches messages from all callers together. A dedicated thread polls for delivery reports. Call
/// ``close(timeout:)`` before dropping it; it flushes, then purges what is left so that no waiter is left hanging.
public final class KafkaProducer: Sendable {
    /// Errors, fatal errors and statistics the client reports outside any call (see ``KafkaClientEvent``).
    public let events: AsyncStream<KafkaClientEvent>
    /// True when created with a `transactional.id`.
    public let isTransactional: Bool

    let handle: RdKafkaHandle
    let logger: Logger
    private let context: KafkaClientContext
    let deliveries: ProducerDeliveries
    private let pollThread: PollThread
    private let enqueueTimeout: Duration
    let gate = EnqueueGate()
    let topics = ProducerTopicHandles()

    /// Creates a producer. `enable.idempotence` defaults to true unless `configuration` sets it.
    ///
    /// - Parameter enqueueTimeout: how long ``send(_:)`` and ``sendAll(_:)`` wait for space while the local queue is
    ///   full before they report ``KafkaErrorCode/queueFull``. Defaults to `message.timeout.ms` (librdkafka: 300 s),
    ///   since queued messages free their space within that time, delivered or not.
    /// - Throws: ``UnsupportedLibrdkafkaError`` for a too-old runtime library; ``KafkaError`` for a rejected property.
    public init(
        configuration: KafkaConfiguration, enqueueTimeout: Duration? = nil,
        logger: Logger = Logger(label: "kafka.producer")
    ) throws {
        try LibrdkafkaVersion.requireRuntime()
        var configuration = configuration
        if configuration.enableIdempotence == nil { configuration.enableIdempotence = true }
        self.enqueueTimeout = enqueueTimeout ?? configuration.messageTimeout ?? .seconds(300)
        self.isTransactional = configuration.transactionalID != nil
        self.logger = logger
        let deliveries = ProducerDeliveries()
        self.deliveries = deliveries
        let context = KafkaClientContext(logger: logger, deliveries: deliveries)
        self.context = context
        self.events = context.events
        let conf = try configuration.makeNative(operation: "configure producer")
        context.install(on: conf)
        rd_kafka_conf_set_dr_msg_cb(conf) { rk, message, _ in
            guard let message else { return }
            KafkaClientContext.withContext(rk) { $0.deliveries?.deliver(message, rk: rk) }
        }
        let handle = try RdKafkaHandle.make(type: RD_KAFKA_PRODUCER, conf: conf, operation: "create producer")
        self.handle = handle
        self.pollThread = PollThread(name: "kafka-producer-poll") { thread in
            while !thread.isStopping {
                deliveries.served(rd_kafka_poll(handle.pointer, 100))
                deliveries.tick()
            }
        }
    }

    deinit {
        // Not closed by the owner: purge without waiting, so every waiter is resumed, then tear down.
        if gate.close() {
            rd_kafka_purge(handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
            rd_kafka_flush(handle.pointer, 1000)
        }
        pollThread.stop()
        topics.destroyAll()
        handle.destroy()
        context.eventSink.finish()
    }

    /// Produces one message and waits for the broker's acknowledgement.
    ///
    /// A full local queue is back-pressure: the call waits for deliveries to make room (up to the enqueue timeout)
    /// rather than failing. librdkafka retries retriable broker errors itself (idempotence keeps that free of
    /// duplicates), so an error thrown here is final for this message.
    /// - Throws: ``KafkaError`` with the delivery failure, or ``KafkaErrorCode/queueFull`` after the enqueue timeout.
    public func send(_ message: KafkaProducerMessage) async throws(KafkaError) -> KafkaDeliveryReport {
        try await sendAll([message])[0].get()
    }

    /// Produces many messages at once and waits for all their delivery reports: the fast path for bulk writes, with
    /// one suspension per batch instead of one per message.
    ///
    /// Returns one outcome per message, in input order. It never throws: a message that could not even be queued
    /// (full queue past the enqueue timeout, closed producer) gets a failure outcome like any undelivered one.
    public func sendAll(_ messages: [KafkaProducerMessage]) async -> [Result<KafkaDeliveryReport, KafkaError>] {
        let slots = DeliverySlots(for: messages)
        let deadline = ContinuousClock.now.advanced(by: enqueueTimeout)
        var index = 0
        while index < messages.count {
            let generation = deliveries.generation
            guard let full = enqueue(messages, from: index, slots: slots) else { break }
            // The local queue is full at `full.index`: wait for deliveries to make room, then go on from there.
            do throws(KafkaError) {
                try await waitForQueueSpace(after: generation, deadline: deadline, error: full.error)
                index = full.index
            } catch {
                slots.record(error, at: full.index)
                index = full.index + 1
            }
        }
        return await slots.outcomes()
    }

    /// Waits until every queued message is delivered or failed, up to `timeout`.
    /// - Throws: ``KafkaErrorCode/timedOut`` naming how many messages were still outstanding.
    public func flush(timeout: Duration) async throws(KafkaError) {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        try await BlockingCall.run("kafka-producer-flush") { () throws(KafkaError) in
            let code = rd_kafka_flush(handle.pointer, milliseconds)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                throw KafkaError(
                    code: KafkaErrorCode(code),
                    reason: "\(rd_kafka_outq_len(handle.pointer)) messages/requests still outstanding after \(timeout)",
                    operation: "flush producer")
            }
        }
    }

    /// The number of messages and requests not yet delivered (librdkafka's out-queue length).
    public var outstandingCount: Int { Int(rd_kafka_outq_len(handle.pointer)) }

    /// The fatal error that made this producer unusable, if one happened.
    public var fatalError: KafkaError? { handle.fatalError(operation: "producer") }

    /// Stops accepting messages, flushes for up to `timeout`, then purges what is left: every pending ``send(_:)``
    /// returns (purged ones with ``KafkaErrorCode/purgedFromQueue`` or ``KafkaErrorCode/purgedInFlight``).
    ///
    /// Idempotent. The producer's threads are stopped when it returns; the handle itself is released when the last
    /// reference goes away.
    public func close(timeout: Duration = .seconds(30)) async {
        guard gate.close() else { return }
        let handle = handle
        let logger = logger
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        _ = try? await BlockingCall.run("kafka-producer-close") { () throws(KafkaError) in
            if rd_kafka_flush(handle.pointer, milliseconds) != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning(
                    "producer closed with undelivered messages; purging them",
                    metadata: ["outstanding": "\(rd_kafka_outq_len(handle.pointer))"])
                rd_kafka_purge(handle.pointer, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT)
                rd_kafka_flush(handle.pointer, 5000)
            }
        }
        pollThread.stop()
    }

    private func waitForQueueSpace(
        after generation: UInt64, deadline: ContinuousClock.Instant, error: KafkaError
    ) async throws(KafkaError) {
        guard ContinuousClock.now < deadline else {
            var timedOut = error
            timedOut.reason = "local queue still full after \(enqueueTimeout): \(error.reason)"
            throw timedOut
        }
        await deliveries.waitForProgress(after: generation)
    }
}

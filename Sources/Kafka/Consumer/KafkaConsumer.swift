import CRdKafka
import Logging
import Synchronization

/// A Kafka group consumer over librdkafka: pull-based messages, explicit offset store, rebalance duties done inside
/// librdkafka's callback, pause/resume, and a slow application that never drops out of its group.
///
/// Lifecycle: create it, ``subscribe(topics:onRebalance:)``, iterate ``messages`` from one task, store each message's
/// offset once its fate is durable (``storeOffset(for:)``), and ``close()`` it (it leaves the group after a last
/// revocation, and commits what was stored). All methods are safe from any task.
///
/// Polling happens on a dedicated thread. It fetches a batch (at most `batchSize` records) only while an iterator
/// waits; when nobody has waited for `backpressureDelay` it pauses every assigned partition and keeps polling, so
/// heartbeats, rebalances and `max.poll.interval.ms` are served however slow the application is, and it resumes
/// exactly those partitions when the application pulls again. librdkafka's prefetch settings
/// (`queued.max.messages.kbytes`, `fetch.max.bytes`) bound what is buffered below.
public final class KafkaConsumer: Sendable {
    /// Errors, fatal errors and statistics the client reports outside any call (see ``KafkaClientEvent``).
    public let events: AsyncStream<KafkaClientEvent>

    let handle: RdKafkaHandle
    let coordinator: ConsumerCoordinator
    private let queue: RdKafkaQueue
    private let context: KafkaClientContext
    private let pollThread: PollThread
    private let isOpen = Mutex(true)

    /// Creates a group consumer (it does not join the group until ``subscribe(topics:onRebalance:)``).
    ///
    /// `configuration` must have `group.id`; `enable.auto.offset.store` is forced to false (this consumer stores
    /// offsets only when told to) and may not be set to true.
    /// - Parameters:
    ///   - batchSize: the most records handed to the iterator at once (1...10 000).
    ///   - backpressureDelay: how long the iterator may stay away before the consumer pauses its partitions.
    ///   - decodesHeaders: false hands every record over without its headers (``KafkaConsumerMessage/headers`` is
    ///     empty), for consumers that never read them. librdkafka parses a record's headers only on request, with two
    ///     allocations and frees per record even when it has none: about a quarter of the cost of consuming a small
    ///     record.
    /// - Throws: ``UnsupportedLibrdkafkaError``, or ``KafkaError`` for a rejected configuration.
    public init(
        configuration: KafkaConfiguration, batchSize: Int = 256, backpressureDelay: Duration = .seconds(1),
        decodesHeaders: Bool = true, logger: Logger = Logger(label: "kafka.consumer")
    ) throws {
        try LibrdkafkaVersion.requireRuntime()
        let operation = "configure consumer"
        guard (1...10_000).contains(batchSize) else {
            throw KafkaError(code: .invalidArgument, reason: "batchSize \(batchSize) is outside 1...10000", operation: operation)
        }
        guard configuration.groupID?.isEmpty == false else {
            throw KafkaError(code: .invalidArgument, reason: "group.id is required for a group consumer", operation: operation)
        }
        var configuration = configuration
        if configuration["enable.auto.offset.store"] == "true" {
            throw KafkaError(
                code: .invalidArgument,
                reason: "enable.auto.offset.store=true is not supported: offsets are stored explicitly with storeOffset",
                operation: operation)
        }
        configuration["enable.auto.offset.store"] = "false"
        let coordinator = ConsumerCoordinator(batchSize: batchSize, backpressureDelay: backpressureDelay, logger: logger)
        let context = KafkaClientContext(logger: logger, consumer: coordinator)
        let conf = try configuration.makeNative(operation: operation)
        context.install(on: conf)
        ConsumerCoordinator.installRebalanceCallback(on: conf)
        let handle = try RdKafkaHandle.make(type: RD_KAFKA_CONSUMER, conf: conf, operation: "create consumer")
        rd_kafka_poll_set_consumer(handle.pointer)
        let queue = RdKafkaQueue(pointer: rd_kafka_queue_get_consumer(handle.pointer))
        self.handle = handle
        self.queue = queue
        self.coordinator = coordinator
        self.context = context
        self.events = context.events
        let loop = ConsumerPollLoop(
            handle: handle, queue: queue, coordinator: coordinator, context: context, decodesHeaders: decodesHeaders)
        self.pollThread = PollThread(name: "kafka-consumer-poll") { loop.run(on: $0) }
    }

    deinit {
        if isOpen.withLock({ open in defer { open = false }; return open }) {
            pollThread.stop()
            rd_kafka_consumer_close(handle.pointer)
            coordinator.finish()
        }
        queue.destroy()
        handle.destroy()
        context.eventSink.finish()
    }

    /// Joins the group for `topics`. `onRebalance` is called before every assignment and revocation takes effect
    /// (see ``KafkaRebalanceHandler``); it is released when the consumer closes.
    public func subscribe(topics: [String], onRebalance: KafkaRebalanceHandler? = nil) throws(KafkaError) {
        coordinator.state.withLock { $0.handler = onRebalance; $0.subscription = topics }
        try Self.subscribe(handle, to: topics)
    }

    /// Leaves the group (LeaveGroup) and joins it again, with the same topics and rebalance handler.
    ///
    /// For a member the group has stopped feeding (no assignment for a long time while jobs wait): the leave removes
    /// the member from the coordinator's group and the join that follows is a membership change, so the coordinator
    /// runs a new round, which a plain rejoin of a known follower with unchanged metadata does not (Apache Kafka
    /// answers that with the current generation). librdkafka keeps its member id for the join; a coordinator that
    /// no longer knows it answers UNKNOWN_MEMBER_ID and librdkafka joins with a fresh one. Whatever the member still
    /// holds is revoked through the handler first, as on any leave.
    public func rejoin() throws(KafkaError) {
        let topics = coordinator.state.withLock { $0.subscription }
        guard !topics.isEmpty else {
            throw KafkaError(code: .invalidState, reason: "rejoin needs a subscription first", operation: "rejoin group",
                             isRetriable: false)
        }
        try KafkaError.check(rd_kafka_unsubscribe(handle.pointer), operation: "unsubscribe to rejoin")
        try Self.subscribe(handle, to: topics)
    }

    private static func subscribe(_ handle: RdKafkaHandle, to topics: [String]) throws(KafkaError) {
        let list = TopicPartitionList.make(topics.map { KafkaTopicPartition(topic: $0, partition: RD_KAFKA_PARTITION_UA) })
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_subscribe(handle.pointer, list), operation: "subscribe to \(topics)")
    }

    /// The messages, pulled on demand (see ``KafkaConsumerMessages``).
    public var messages: KafkaConsumerMessages { KafkaConsumerMessages(coordinator: coordinator) }

    /// The messages in the batches they were fetched in (see ``KafkaConsumerMessageBatches``): the cheaper way to read
    /// a busy topic when records are handled in bulk.
    public var messageBatches: KafkaConsumerMessageBatches { KafkaConsumerMessageBatches(coordinator: coordinator) }

    /// Stops fetching from `partitions` until ``resume(_:)``. Partitions not assigned yet are paused as soon as they
    /// are (so a rebalance handler can hold them back); a revocation forgets the pause.
    public func pause(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try coordinator.changeFlow(handle.pointer, operation: "pause") { $0.applicationPause(partitions) }
    }

    /// Resumes partitions paused with ``pause(_:)`` (never ones the consumer paused for back-pressure: it resumes
    /// those itself when the application pulls again).
    public func resume(_ partitions: [KafkaTopicPartition]) throws(KafkaError) {
        try coordinator.changeFlow(handle.pointer, operation: "resume") { $0.applicationResume(partitions) }
    }

    /// The current assignment with each partition's epoch.
    public var assignment: [KafkaAssignedPartition] {
        coordinator.epochs().map { KafkaAssignedPartition(topicPartition: $0.key, epoch: $0.value) }
            .sorted { $0.topicPartition < $1.topicPartition }
    }

    /// The epoch of `partition`'s current assignment, nil when it is not assigned.
    public func currentEpoch(of partition: KafkaTopicPartition) -> UInt64? { coordinator.epochs()[partition] }

    /// The member id the group coordinator gave this consumer, nil before it joined (and after it left).
    public var memberID: String? {
        guard let id = rd_kafka_memberid(handle.pointer) else { return nil }
        defer { rd_kafka_mem_free(handle.pointer, id) }
        let text = String(cString: id)
        return text.isEmpty ? nil : text
    }

    /// The fatal error that made this consumer unusable, if one happened.
    public var fatalError: KafkaError? { handle.fatalError(operation: "consumer") }

    /// Leaves the group: stops polling, runs the last revocation through the rebalance handler, commits stored offsets
    /// (with `enable.auto.commit`, the default) and ends ``messages``. Idempotent; the handle is released on deinit.
    public func close() async {
        guard isOpen.withLock({ open in defer { open = false }; return open }) else { return }
        pollThread.stop()
        let handle = handle
        let logger = context.logger
        _ = try? await BlockingCall.run("kafka-consumer-close") { () throws(KafkaError) in
            let code = rd_kafka_consumer_close(handle.pointer)
            if code != RD_KAFKA_RESP_ERR_NO_ERROR {
                logger.warning("consumer close reported an error", metadata: ["error": "\(KafkaErrorCode(code))"])
            }
        }
        coordinator.finish()
    }
}

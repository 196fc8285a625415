import CRdKafka
import Foundation
import Logging
import Synchronization

/// Reads one partition from a given offset to its current end, outside any consumer group: the tool for rebuilding
/// state from a log (a compacted ledger, a changelog) before normal consumption starts.
///
/// It assigns the partition directly (no group, no commits), reads in batches on a dedicated thread, and stops at the
/// partition's end as librdkafka reports it from the fetch responses (`enable.partition.eof`; with
/// `isolation.level=read_committed` that end is the last stable offset). It does not stop at a high watermark queried
/// up front: some Kafka-compatible brokers (Tansu 0.6) under-report it after batched writes, and a restore that stops
/// early silently forgets state. One read at a time per reader.
public final class KafkaPartitionReader: Sendable {
    let handle: RdKafkaHandle
    private let context: KafkaClientContext
    private let isReading = Mutex(false)
    private let closed = Mutex(false)

    /// Creates a reader. `configuration` needs `bootstrap.servers`; group and commit settings are overridden.
    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "kafka.partition-reader")) throws {
        try LibrdkafkaVersion.requireRuntime()
        var configuration = configuration
        // librdkafka wants a group.id even for assign(); this reader never joins or commits to it.
        configuration.groupID = "partition-reader-\(UInt64.random(in: 0...UInt64.max))"
        configuration["enable.auto.commit"] = "false"
        configuration["enable.auto.offset.store"] = "false"
        configuration["enable.partition.eof"] = "true"
        configuration["partition.assignment.strategy"] = nil
        if configuration["auto.offset.reset"] == nil { configuration["auto.offset.reset"] = "earliest" }  // offset below low
        // The end is seen in the answer to a fetch at the end, which the broker holds for up to this long: a restore of
        // an empty partition took 0.10 s with 100 ms (Tansu; Kafka holds it the same). A reader stops at the end, so
        // a short wait costs no extra fetches while records come.
        if configuration["fetch.wait.max.ms"] == nil { configuration["fetch.wait.max.ms"] = "10" }
        let context = KafkaClientContext(logger: logger)
        let conf = try configuration.makeNative(operation: "configure partition reader")
        context.install(on: conf)
        self.handle = try RdKafkaHandle.make(type: RD_KAFKA_CONSUMER, conf: conf, operation: "create partition reader")
        rd_kafka_poll_set_consumer(handle.pointer)
        self.context = context
    }

    deinit {
        guard closed.withLock({ value in defer { value = true }; return !value }) else { return }
        rd_kafka_consumer_close(handle.pointer)
        handle.destroy()
        context.eventSink.finish()
    }

    /// Closes and destroys the native handle on a thread of its own and returns at once; the reader must not be used
    /// afterwards. `rd_kafka_consumer_close` and `rd_kafka_destroy` usually return within milliseconds but sometimes
    /// take a whole second: measured in `bench recovery`, 6 of 16 restores lost 1.0 s there. A long-lived caller that
    /// runs on an event loop (the worker's restores run on the HTTP client's) would stall every connection and every
    /// other restore of the loop for that second. Nothing needs to wait for it: a reader holds no group membership or
    /// offsets. Short-lived tools let `deinit` close instead, so the process never exits while a close still runs.
    public func closeDetached() {
        guard closed.withLock({ value in defer { value = true }; return !value }) else { return }
        let handle = handle
        let context = context
        let closer = Thread {
            rd_kafka_consumer_close(handle.pointer)
            handle.destroy()
            context.eventSink.finish()
        }
        closer.name = "kafka-partition-reader-close"
        closer.start()
    }

    /// The low and high watermark of `topic[partition]`.
    public func queryWatermarks(
        topic: String, partition: Int32, timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> KafkaWatermarks {
        try await KafkaConsumer.queryWatermarks(handle: handle, topic: topic, partition: partition, timeout: timeout)
    }

    /// Reads `topic[partition]` from `offset` (or ``KafkaOffset/beginning``) to its end — or only up to the offset
    /// `stop` (exclusive) when given, for a bounded scan of a long partition — handing each batch of at most
    /// `batchSize` records to `body` in offset order, and returns the offset after the last one read (at the end:
    /// the next offset to read later).
    ///
    /// - Parameter stallTimeout: how long a batch may wait for records that should be there before the read fails
    ///   with ``KafkaErrorCode/timedOut`` (broker unreachable or partition moved).
    /// - Throws: ``KafkaError`` from the broker, or whatever `body` throws (the read stops there).
    public func read(
        topic: String, partition: Int32, from offset: Int64, until stop: Int64? = nil, batchSize: Int = 500,
        stallTimeout: Duration = .seconds(30), _ body: ([KafkaConsumerMessage]) async throws -> Void
    ) async throws -> Int64 {
        let target = KafkaTopicPartition(topic: topic, partition: partition)
        guard isReading.withLock({ reading in defer { reading = true }; return !reading }) else {
            throw KafkaError(code: .invalidState, reason: "a read is already running on this reader", operation: "read \(target)")
        }
        defer { isReading.withLock { $0 = false } }
        let list = TopicPartitionList.make([(target, offset < 0 ? KafkaOffset.beginning : offset)])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        try KafkaError.check(rd_kafka_assign(handle.pointer, list), operation: "assign \(target)")
        defer { _ = rd_kafka_assign(handle.pointer, nil) }
        var next = max(offset, 0)
        while true {
            if let stop, next >= stop { return next }
            let handle = handle
            let logger = context.logger
            let start = next
            let (batch, end) = try await BlockingCall.run("kafka-partition-reader") { () throws(KafkaError) in
                try Self.fetch(
                    target, from: start, batchSize: batchSize, stallTimeout: stallTimeout, handle: handle, logger: logger)
            }
            let kept = stop.map { stop in batch.filter { $0.offset < stop } } ?? batch
            if let last = batch.last { next = last.offset + 1 }
            if !kept.isEmpty { try await body(kept) }
            if let stop, next >= stop { return stop }
            if let end { return max(next, end) }
        }
    }

    /// Polls until a batch is full, the end is reached (returned as the second value) or nothing came for
    /// `stallTimeout`.
    private static func fetch(
        _ target: KafkaTopicPartition, from start: Int64, batchSize: Int, stallTimeout: Duration,
        handle: RdKafkaHandle, logger: Logger
    ) throws(KafkaError) -> ([KafkaConsumerMessage], Int64?) {
        var batch: [KafkaConsumerMessage] = []
        var next = start
        let deadline = ContinuousClock.now.advanced(by: stallTimeout)
        while batch.count < batchSize {
            guard let message = rd_kafka_consumer_poll(handle.pointer, 100) else {
                if !batch.isEmpty { return (batch, nil) }
                if ContinuousClock.now >= deadline {
                    throw KafkaError(
                        code: .timedOut, reason: "neither a record nor the end after offset \(next) within \(stallTimeout)",
                        operation: "read \(target)")
                }
                continue
            }
            defer { rd_kafka_message_destroy(message) }
            let code = KafkaErrorCode(message.pointee.err)
            if code == .partitionEOF {
                return (batch, message.pointee.offset)
            }
            if code != .noError {
                let error = KafkaError(code: code, reason: CString.consumerError(message), operation: "read \(target)")
                if error.isFatal { throw error }
                logger.warning("partition read error", metadata: ["error": "\(error)"])
                continue
            }
            let record = KafkaConsumerMessage(native: message, topic: target.topic, epoch: 0)
            next = record.offset + 1
            batch.append(record)
        }
        return (batch, nil)
    }
}

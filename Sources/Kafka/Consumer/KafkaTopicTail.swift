import Foundation
import Logging

/// Reads every partition of one topic outside any consumer group, optionally following it as records arrive: what
/// a person or a test needs to watch a topic (results, a dead-letter queue) without joining a group, committing
/// offsets or waiting for a rebalance.
///
/// Each partition is read by its own ``KafkaPartitionReader`` to its end (as the broker reports it in fetch
/// responses, not from a watermark queried up front); when following, the read is repeated from there every
/// `followInterval`. Records arrive in offset order per partition; partitions interleave.
public struct KafkaTopicTail: Sendable {
    /// Where reading starts in each partition.
    public enum Start: Hashable, Sendable {
        /// The oldest record still held.
        case beginning
        /// The current end when reading starts: only records written afterwards.
        case end
    }

    /// Client settings; needs `bootstrap.servers`.
    public var configuration: KafkaConfiguration
    /// The topic read.
    public var topic: String
    /// Where reading starts.
    public var start: Start
    /// Keep reading new records after reaching the end (until the consuming task is cancelled).
    public var follow: Bool
    /// Pause between reads of a partition that was at its end.
    public var followInterval: Duration
    /// How long a read may wait for the broker before it fails (a stalled broker).
    public var stallTimeout: Duration
    /// Logger for the readers.
    public var logger: Logger

    /// A tail of `topic`.
    public init(
        configuration: KafkaConfiguration, topic: String, start: Start = .beginning, follow: Bool = false,
        followInterval: Duration = .milliseconds(200), stallTimeout: Duration = .seconds(60),
        logger: Logger = Logger(label: "kafka.topic-tail")
    ) {
        self.configuration = configuration
        self.topic = topic
        self.start = start
        self.follow = follow
        self.followInterval = followInterval
        self.stallTimeout = stallTimeout
        self.logger = logger
    }

    /// The records, as an asynchronous sequence that ends at the end of every partition (when not following), at
    /// the first error, or when the iterating task is cancelled.
    ///
    /// - Throws (from the sequence): ``KafkaError`` when the topic does not exist or a partition cannot be read.
    public func records() -> AsyncThrowingStream<KafkaConsumerMessage, any Error> {
        let (stream, continuation) = AsyncThrowingStream.makeStream(of: KafkaConsumerMessage.self)
        let task = Task {
            do {
                let partitions = try await KafkaAdmin(configuration: configuration, logger: logger)
                    .partitionCount(of: topic)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for partition in 0..<Int32(partitions) {
                        group.addTask { try await read(partition: partition, into: continuation) }
                    }
                    try await group.waitForAll()
                }
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func read(
        partition: Int32, into continuation: AsyncThrowingStream<KafkaConsumerMessage, any Error>.Continuation
    ) async throws {
        let reader = try KafkaPartitionReader(configuration: configuration, logger: logger)
        var next = KafkaOffset.beginning
        if start == .end {
            // The end as fetch responses report it, skipping what is there: a queried high watermark alone can be
            // low on some brokers (Tansu after batched writes), which would replay old records as new.
            let high = try await reader.queryWatermarks(topic: topic, partition: partition).high
            next = try await reader.read(topic: topic, partition: partition, from: high, stallTimeout: stallTimeout) { _ in }
        }
        while !Task.isCancelled {
            next = try await reader.read(topic: topic, partition: partition, from: next, stallTimeout: stallTimeout) { batch in
                for record in batch { continuation.yield(record) }
            }
            guard follow else { return }
            try await Task.sleep(for: followInterval)
        }
    }
}

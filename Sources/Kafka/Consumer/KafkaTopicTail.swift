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
        /// Per partition, the offset to start at, e.g. ends taken by ``endOffsets()`` before something was produced,
        /// so that nothing written in between is missed; a partition not named starts at its beginning.
        case offsets([Int32: Int64])
        /// The first record at or after this time (milliseconds since 1970) by record timestamp, found with the
        /// broker's offsets-for-times look-up and checked against the records themselves (a broker that answers
        /// early costs reading, one that answers late is caught); a partition with nothing that recent starts at its
        /// end.
        case time(milliseconds: Int64)
    }

    /// Client settings; needs `bootstrap.servers`.
    public var configuration: KafkaConfiguration
    /// The topic read.
    public var topic: String
    /// Where reading starts.
    public var start: Start
    /// Keep reading new records after reaching the end (until the consuming task is cancelled).
    public var follow: Bool
    /// The partitions read, nil for all: a reader that knows where its keys live reads only their partitions.
    public var partitions: Set<Int32>?
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
        self.partitions = nil
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
                let count = try await KafkaAdmin(configuration: configuration, logger: logger).partitionCount(of: topic)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for partition in 0..<Int32(count) where partitions?.contains(partition) ?? true {
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

    /// The current end of every partition (the offset the next record will get), for a later
    /// ``Start/offsets(_:)``: taken before producing, it lets a reader see every record produced afterwards.
    /// - Throws: ``KafkaError`` when the topic does not exist or a partition cannot be read.
    public func endOffsets() async throws -> [Int32: Int64] {
        let partitions = try await KafkaAdmin(configuration: configuration, logger: logger).partitionCount(of: topic)
        return try await withThrowingTaskGroup(of: (Int32, Int64).self) { group in
            for partition in 0..<Int32(partitions) {
                group.addTask {
                    let reader = try KafkaPartitionReader(configuration: configuration, logger: logger)
                    return (partition, try await end(of: partition, reader: reader))
                }
            }
            var ends: [Int32: Int64] = [:]
            for try await (partition, end) in group { ends[partition] = end }
            return ends
        }
    }

    /// The end as fetch responses report it, skipping what is there: a queried high watermark alone can be low on
    /// some brokers (Tansu after batched writes), which would replay old records as new.
    private func end(of partition: Int32, reader: KafkaPartitionReader) async throws -> Int64 {
        let high = try await reader.queryWatermarks(topic: topic, partition: partition).high
        return try await reader.read(topic: topic, partition: partition, from: high, stallTimeout: stallTimeout) { _ in }
    }

    /// Where reading for `.time(milliseconds)` starts: the broker's answer, unless the record just before it is not
    /// older than the moment (or, with no answer, the last record is not): then the broker is wrong (Tansu 0.6
    /// answers with the last record at or before the moment, or 0) and the whole partition is read and filtered.
    private func start(atOrAfter milliseconds: Int64, partition: Int32, reader: KafkaPartitionReader) async throws -> Int64 {
        let low = try await reader.queryWatermarks(topic: topic, partition: partition).low
        let end = try await end(of: partition, reader: reader)
        let answer = try await reader.offset(atOrAfter: milliseconds, topic: topic, partition: partition) ?? end
        guard answer > low else { return answer }
        var before: Int64?
        _ = try await reader.read(topic: topic, partition: partition, from: answer - 1, until: answer, batchSize: 1) { records in
            before = records.last?.timestampMilliseconds
        }
        if let before, before >= milliseconds { return low }
        return answer
    }

    private func read(
        partition: Int32, into continuation: AsyncThrowingStream<KafkaConsumerMessage, any Error>.Continuation
    ) async throws {
        let reader = try KafkaPartitionReader(configuration: configuration, logger: logger)
        var next = KafkaOffset.beginning
        var earliest: Int64?
        switch start {
        case .beginning:
            break
        case .end:
            next = try await end(of: partition, reader: reader)
        case .offsets(let offsets):
            next = offsets[partition] ?? KafkaOffset.beginning
        case .time(let milliseconds):
            next = try await start(atOrAfter: milliseconds, partition: partition, reader: reader)
            earliest = milliseconds
        }
        while !Task.isCancelled {
            next = try await reader.read(topic: topic, partition: partition, from: next, stallTimeout: stallTimeout) { batch in
                for record in batch {
                    if let time = earliest {
                        // Records before the first one of the moment, read because the broker answered early.
                        guard let stamp = record.timestampMilliseconds, stamp >= time else { continue }
                        earliest = nil
                    }
                    continuation.yield(record)
                }
            }
            guard follow else { return }
            try await Task.sleep(for: followInterval)
        }
    }
}

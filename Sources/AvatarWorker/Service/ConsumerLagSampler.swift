import Kafka
import Logging
import ServiceLifecycle

/// Measures the consumer lag of every owned jobs partition every `interval` and records it in the metrics.
///
/// The lag comes from the broker (the partition's high watermark and the group's committed offset), not from
/// librdkafka's statistics: those refresh a partition's high watermark only while it is fetched, and a partition the
/// worker holds paused at its in-flight share — exactly when a backlog builds — would show a stale, too small lag.
/// Partitions that leave the assignment lose their series. Generic over `Clock` so a test can drive the interval.
struct ConsumerLagSampler<C: Clock>: Service where C.Duration == Duration {
    let consumer: KafkaConsumer
    let topic: String
    let metrics: WorkerMetrics
    let interval: Duration
    let clock: C
    let logger: Logger

    func run() async throws {
        var reported: Set<Int32> = []
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            reported = await sample(previouslyReported: reported)
            let clock = clock, interval = interval
            // Ends the wait early on graceful shutdown (the sleep is cancelled and returns nil).
            guard (try? await cancelWhenGracefulShutdown({ try await clock.sleep(for: interval) })) != nil else { return }
        }
    }

    /// Records the lag of each assigned partition of `topic`; returns the partitions reported.
    func sample(previouslyReported: Set<Int32>) async -> Set<Int32> {
        let assigned = consumer.assignment.map(\.topicPartition).filter { $0.topic == topic }
        let owned = Set(assigned.map(\.partition))
        for partition in previouslyReported.subtracting(owned) { metrics.consumerLag(partition: partition, lag: nil) }
        guard !assigned.isEmpty else { return [] }
        let committed: [KafkaTopicPartition: Int64]
        do {
            committed = try await consumer.committedOffsets(for: assigned, timeout: .seconds(5))
        } catch {
            logger.debug("consumer lag: committed offsets unavailable", metadata: ["error": "\(error)"])
            return previouslyReported.intersection(owned)
        }
        var reported: Set<Int32> = []
        for partition in assigned {
            guard let marks = try? await consumer.queryWatermarks(
                topic: partition.topic, partition: partition.partition, timeout: .seconds(5))
            else { continue }
            let lag = ConsumerLag.of(high: marks.high, low: marks.low, committed: committed[partition])
            metrics.consumerLag(partition: partition.partition, lag: lag)
            reported.insert(partition.partition)
        }
        return reported
    }
}

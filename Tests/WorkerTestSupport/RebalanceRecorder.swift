import Kafka
import Synchronization
import TestSupport

/// Records a consumer's rebalance events and lets a test wait until its assignment looks a certain way, without
/// polling: each event publishes a new snapshot.
public final class RebalanceRecorder: Sendable {
    private let state = Mutex<(assignment: [KafkaTopicPartition: UInt64], events: [KafkaRebalanceEvent])>(([:], []))
    private let snapshots: AsyncStream<[KafkaTopicPartition: UInt64]>
    private let sink: AsyncStream<[KafkaTopicPartition: UInt64]>.Continuation

    /// An empty recorder.
    public init() {
        (snapshots, sink) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(64))
    }

    /// The handler to pass to ``KafkaConsumer/subscribe(topics:onRebalance:)``; `also` runs first for each event.
    public func handler(also: KafkaRebalanceHandler? = nil) -> KafkaRebalanceHandler {
        { [self] event in
            also?(event)
            let snapshot = state.withLock { state in
                state.events.append(event)
                switch event {
                case .assigned(let partitions):
                    for partition in partitions { state.assignment[partition.topicPartition] = partition.epoch }
                case .revoked(let partitions, _):
                    for partition in partitions { state.assignment[partition.topicPartition] = nil }
                }
                return state.assignment
            }
            sink.yield(snapshot)
        }
    }

    /// The assignment as the events described it.
    public var assignment: [KafkaTopicPartition: UInt64] { state.withLock { $0.assignment } }

    /// Every event so far, in order.
    public var events: [KafkaRebalanceEvent] { state.withLock { $0.events } }

    /// Waits until `predicate` holds for the assignment (checked now and after every event).
    public func waitUntil(
        _ what: String, within limit: Duration = .seconds(30),
        _ predicate: @escaping @Sendable ([KafkaTopicPartition: UInt64]) -> Bool
    ) async throws {
        if predicate(assignment) { return }
        let snapshots = snapshots
        try await withTimeout(limit, what) {
            for await snapshot in snapshots where predicate(snapshot) { return }
        }
        if !predicate(assignment) { throw TestTimeout(what: what, limit: limit) }
    }
}

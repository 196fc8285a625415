/// The messages of a ``KafkaConsumer``, pulled on demand.
///
/// Iterate it from one task at a time: messages arrive in small batches that the poll thread fetches only while an
/// iterator is waiting, so the only buffer between librdkafka and the application is one batch. The sequence ends
/// when the consumer is closed, and throws a fatal ``KafkaError`` when the client becomes unusable (end the process or
/// recreate the consumer then). A second task iterating at the same time gets ``KafkaErrorCode/invalidState``.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    /// One received record.
    public typealias Element = KafkaConsumerMessage

    let coordinator: ConsumerCoordinator

    /// Starts an iteration.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(coordinator: coordinator) }

    /// Hands out the records of the current batch, fetching the next batch when it is used up.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let coordinator: ConsumerCoordinator
        private var batch: [KafkaConsumerMessage] = []
        private var index = 0

        init(coordinator: ConsumerCoordinator) { self.coordinator = coordinator }

        /// The next record, nil once the consumer is closed.
        /// - Throws: a fatal ``KafkaError``, or `CancellationError` when the waiting task is cancelled.
        public mutating func next() async throws -> KafkaConsumerMessage? {
            if index == batch.count {
                batch = try await coordinator.nextBatch()
                index = 0
                if batch.isEmpty { return nil }
            }
            defer { index += 1 }
            return batch[index]
        }
    }
}

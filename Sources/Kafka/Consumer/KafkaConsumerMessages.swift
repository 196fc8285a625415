/// The messages of a ``KafkaConsumer``, pulled on demand.
///
/// Iterate it from one task at a time: messages arrive in small batches that the poll thread fetches only while an
/// iterator is waiting, so the only buffer between librdkafka and the application is one batch. The sequence ends
/// when the consumer is closed, and throws a fatal ``KafkaError`` when the client becomes unusable (end the process or
/// recreate the consumer then). A second task iterating at the same time gets ``KafkaErrorCode/invalidState``, also
/// when the other one iterates ``KafkaConsumer/messageBatches``.
public struct KafkaConsumerMessages: AsyncSequence, Sendable {
    /// One received record.
    public typealias Element = KafkaConsumerMessage
    public typealias Failure = any Error

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
            try await next(isolation: nil)
        }

        /// The next record, nil once the consumer is closed; runs in the caller's isolation, so records already
        /// fetched are handed out without an executor hop (only an empty batch waits for the poll thread).
        /// - Throws: a fatal ``KafkaError``, or `CancellationError` when the waiting task is cancelled.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> KafkaConsumerMessage? {
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

/// The messages of a ``KafkaConsumer`` as the batches the poll thread fetched (each holds 1...`batchSize` records,
/// in partition order), for consumers that handle records in bulk.
///
/// The same rules as ``KafkaConsumerMessages`` apply: one iterating task at a time (across both sequences), ends when
/// the consumer is closed, throws a fatal ``KafkaError`` when the client becomes unusable.
public struct KafkaConsumerMessageBatches: AsyncSequence, Sendable {
    /// One fetched batch, never empty.
    public typealias Element = [KafkaConsumerMessage]
    public typealias Failure = any Error

    let coordinator: ConsumerCoordinator

    /// Starts an iteration.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(coordinator: coordinator) }

    /// Hands out one fetched batch per call.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let coordinator: ConsumerCoordinator

        /// The next batch, nil once the consumer is closed.
        /// - Throws: a fatal ``KafkaError``, or `CancellationError` when the waiting task is cancelled.
        public mutating func next() async throws -> [KafkaConsumerMessage]? {
            try await next(isolation: nil)
        }

        /// The next batch, nil once the consumer is closed, in the caller's isolation.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> [KafkaConsumerMessage]? {
            let batch = try await coordinator.nextBatch()
            return batch.isEmpty ? nil : batch
        }
    }
}

import Kafka
import Logging
import ServiceLifecycle

/// Writes results, DLQ entries and tombstones, and commits job offsets: the one writer of the pipeline's queues.
///
/// At-least-once mode, per round: write queued publications (a batch, one wait for all acks), commit the stored
/// offsets, then write the tombstones whose job offsets that commit covered. Exactly-once mode, per round: one
/// transaction with the ready publications (results with their tombstones), their offsets and every offset made
/// durable since the last one. Rounds run when work arrives and at least every commit interval; after graceful
/// shutdown begins (intake and polling have stopped by then) one last round flushes what is left.
struct ResultPublisher: Service {
    let pipeline: JobPipeline
    let producer: KafkaProducer
    let consumer: KafkaConsumer
    let interval: Duration
    let logger: Logger

    func run() async throws {
        if pipeline.configuration.exactlyOnce { try await producer.initTransactions() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try await round()
            await pipeline.publisherWakeup.wait(timeout: interval)
        }
        try await round()
    }

    private func round() async throws {
        if pipeline.configuration.exactlyOnce {
            try await transactionRound()
        } else {
            await atLeastOnceRound()
        }
    }

    private func atLeastOnceRound() async {
        let publications = pipeline.takePublications()
        if !publications.isEmpty {
            let outcomes = await producer.sendAll(publications.flatMap(\.messages))
            var next = 0
            for publication in publications {
                let slice = outcomes[next..<(next + publication.messages.count)]
                next += publication.messages.count
                if let failure = slice.lazy.compactMap(\.failure).first {
                    logger.warning("publication failed; retrying", metadata: ["error": "\(failure)"])
                    pipeline.publicationFailed(publication)
                } else {
                    pipeline.published(publication)
                }
            }
        }
        if let stored = pipeline.uncommittedStores() {
            do {
                try await consumer.commit()
                pipeline.committed(stored)
            } catch {
                logger.warning("offset commit failed; tombstones wait", metadata: ["error": "\(error)"])
            }
        }
        let tombstones = pipeline.takeCoveredTombstones()
        guard !tombstones.isEmpty else { return }
        let outcomes = await producer.sendAll(tombstones.map {
            pipeline.messages.tombstone(jobID: $0.jobID, partition: $0.partition)
        })
        for (tombstone, outcome) in zip(tombstones, outcomes) {
            if case .failure(let error) = outcome {
                logger.warning("tombstone failed; retrying", metadata: ["job_id": "\(tombstone.jobID)", "error": "\(error)"])
                pipeline.tombstoneFailed(tombstone)
            } else {
                pipeline.tombstoneWritten(tombstone)
            }
        }
    }

    private func transactionRound() async throws {
        guard let batch = pipeline.takeTransactionBatch() else { return }
        do {
            try producer.beginTransaction()
            let outcomes = await producer.sendAll(batch.publications.flatMap(\.messages))
            if let failure = outcomes.lazy.compactMap(\.failure).first { throw failure }
            if !batch.offsets.isEmpty {
                let topic = pipeline.configuration.jobsTopic
                var offsets: [KafkaTopicPartition: Int64] = [:]
                for (partition, offset) in batch.offsets { offsets[KafkaTopicPartition(topic: topic, partition: partition)] = offset }
                try await producer.sendOffsetsToTransaction(offsets, groupMetadata: try consumer.groupMetadata())
            }
            try await producer.commitTransaction()
            pipeline.transactionCommitted(batch)
        } catch {
            pipeline.transactionFailed(batch)
            if let kafkaError = error as? KafkaError, kafkaError.isFatal { throw kafkaError }
            logger.warning("transaction failed; aborting and retrying", metadata: ["error": "\(error)"])
            try? await producer.abortTransaction()
        }
    }
}

extension Result {
    /// The failure, or nil on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

import CRdKafka

/// Transactions: write several messages and a consumer's offsets atomically (needs `transactional.id`).
///
/// The usual cycle is ``initTransactions(timeout:)`` once, then per unit of work ``beginTransaction()``, sends,
/// ``sendOffsetsToTransaction(_:groupMetadata:timeout:)``, ``commitTransaction(timeout:)``. On a thrown
/// ``KafkaError``: `isRetriable` → call the same step again; `txnRequiresAbort` → ``abortTransaction(timeout:)`` and
/// redo the work; `isFatal` → the producer is unusable (fenced or broken), end or recreate it.
extension KafkaProducer {
    /// Registers the `transactional.id` with the cluster and fences older producers with the same id.
    public func initTransactions(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        try await transactionCall("init transactions", timeout: timeout) { rk, milliseconds in
            rd_kafka_init_transactions(rk, milliseconds)
        }
    }

    /// Starts a transaction: every message produced until commit or abort belongs to it. Local, does not block.
    public func beginTransaction() throws(KafkaError) {
        try KafkaError.check(rd_kafka_begin_transaction(handle.pointer), operation: "begin transaction")
    }

    /// Adds a consumer's offsets to the current transaction: they are committed for the consumer's group if and only
    /// if the transaction commits.
    ///
    /// - Parameters:
    ///   - offsets: per partition, the next offset to consume (last processed offset + 1).
    ///   - groupMetadata: from ``KafkaConsumer/groupMetadata()``, taken just before this call.
    public func sendOffsetsToTransaction(
        _ offsets: [KafkaTopicPartition: Int64], groupMetadata: KafkaConsumerGroupMetadata,
        timeout: Duration = .seconds(30)
    ) async throws(KafkaError) {
        let entries = offsets.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        try await transactionCall("send offsets to transaction", timeout: timeout) { (rk, milliseconds) throws(KafkaError) -> OpaquePointer? in
            let list = TopicPartitionList.make(entries)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            return try groupMetadata.withNative { metadata in
                rd_kafka_send_offsets_to_transaction(rk, list, metadata, milliseconds)
            }
        }
    }

    /// Commits the current transaction (flushing its messages first).
    public func commitTransaction(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        try await transactionCall("commit transaction", timeout: timeout) { rk, milliseconds in
            rd_kafka_commit_transaction(rk, milliseconds)
        }
    }

    /// Aborts the current transaction: its messages are never shown to `read_committed` consumers.
    public func abortTransaction(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        try await transactionCall("abort transaction", timeout: timeout) { rk, milliseconds in
            rd_kafka_abort_transaction(rk, milliseconds)
        }
    }

    /// Runs one blocking transaction step on its own thread and converts (and destroys) its `rd_kafka_error_t`.
    private func transactionCall(
        _ operation: String, timeout: Duration,
        _ call: @escaping @Sendable (OpaquePointer, Int32) throws(KafkaError) -> OpaquePointer?
    ) async throws(KafkaError) {
        guard isTransactional else {
            throw KafkaError(
                code: .invalidState, reason: "the producer has no transactional.id", operation: operation,
                isRetriable: false)
        }
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        try await BlockingCall.run("kafka-transaction") { () throws(KafkaError) in
            try KafkaError.check(try call(handle.pointer, milliseconds), operation: operation)
        }
    }
}

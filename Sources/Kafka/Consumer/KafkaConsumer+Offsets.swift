import CRdKafka

/// Offsets: store (what the next commit will write), commit, and look-ups of committed offsets, positions and
/// watermarks.
///
/// A stored offset is the offset of the next record to consume, i.e. last processed offset + 1.
extension KafkaConsumer {
    /// Stores `offset` (next to consume) for `partition`, to be written by the next commit.
    /// - Throws: ``KafkaErrorCode/invalidState`` when the partition is not assigned to this consumer.
    public func storeOffset(topic: String, partition: Int32, offset: Int64) throws(KafkaError) {
        try Self.store(KafkaTopicPartition(topic: topic, partition: partition), offset: offset, on: handle)
    }

    /// Stores `offset` for `partition` only if the partition is still assigned under `epoch`: late work from an
    /// earlier assignment can never move a newer owner's offset.
    /// - Throws: ``KafkaErrorCode/invalidState`` naming the epoch seen when the assignment changed.
    public func storeOffset(_ partition: KafkaTopicPartition, offset: Int64, epoch: UInt64) throws(KafkaError) {
        let result: Result<Void, KafkaError> = coordinator.state.withLock { state in
            let current = state.flow.epochs[partition]
            guard current == epoch else {
                return .failure(KafkaError(
                    code: .invalidState,
                    reason: "\(partition) epoch \(epoch) is no longer assigned (current: \(current.map(String.init) ?? "not assigned"))",
                    operation: "store offset \(offset)", isRetriable: false))
            }
            return Result { () throws(KafkaError) in try Self.store(partition, offset: offset, on: handle) }
        }
        try result.get()
    }

    /// Marks `message` as processed: stores its offset + 1 if its partition is still assigned under its epoch.
    public func storeOffset(for message: KafkaConsumerMessage) throws(KafkaError) {
        try storeOffset(message.topicPartition, offset: message.offset + 1, epoch: message.epoch)
    }

    /// Commits the stored offsets and waits for the broker's answer. Nothing stored since the last commit is success.
    public func commit() async throws(KafkaError) {
        let handle = handle
        try await BlockingCall.run("kafka-consumer-commit") { () throws(KafkaError) in
            let code = rd_kafka_commit(handle.pointer, nil, 0)
            if code == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
            try KafkaError.check(code, operation: "commit offsets")
        }
    }

    /// Commits `offsets` (each the next offset to consume) for this consumer's group and waits for the broker's
    /// answer. The partitions need not be assigned to this consumer: a group may keep offsets of a topic it reads
    /// outside the group, such as a changelog's restore checkpoint.
    public func commit(_ offsets: [KafkaTopicPartition: Int64]) async throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let handle = handle
        let entries = offsets.sorted { ($0.key.topic, $0.key.partition) < ($1.key.topic, $1.key.partition) }.map { ($0.key, $0.value) }
        try await BlockingCall.run("kafka-consumer-commit-offsets") { () throws(KafkaError) in
            let list = TopicPartitionList.make(entries)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            try KafkaError.check(rd_kafka_commit(handle.pointer, list, 0), operation: "commit offsets")
        }
    }

    /// Starts committing the stored offsets without waiting; failures are logged by librdkafka.
    public func commitInBackground() throws(KafkaError) {
        let code = rd_kafka_commit(handle.pointer, nil, 1)
        if code == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
        try KafkaError.check(code, operation: "commit offsets in background")
    }

    /// The group's committed offsets of `partitions` (``KafkaOffset/invalid`` where nothing is committed).
    public func committedOffsets(
        for partitions: [KafkaTopicPartition], timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-consumer-committed") { () throws(KafkaError) in
            let list = TopicPartitionList.make(partitions)
            defer { rd_kafka_topic_partition_list_destroy(list) }
            try KafkaError.check(rd_kafka_committed(handle.pointer, list, milliseconds), operation: "read committed offsets")
            var offsets: [KafkaTopicPartition: Int64] = [:]
            for entry in TopicPartitionList.entries(list) {
                if entry.error != .noError {
                    throw KafkaError(code: entry.error, operation: "read committed offset of \(entry.partition)")
                }
                offsets[entry.partition] = entry.offset
            }
            return offsets
        }
    }

    /// The offset of the next record this consumer will hand out for `partition`, nil when unknown.
    public func position(of partition: KafkaTopicPartition) -> Int64? {
        let list = TopicPartitionList.make([partition])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard rd_kafka_position(handle.pointer, list) == RD_KAFKA_RESP_ERR_NO_ERROR,
            let entry = TopicPartitionList.entries(list).first, entry.error == .noError, entry.offset >= 0
        else { return nil }
        return entry.offset
    }

    /// Asks the partition leader for the low and high watermark of `topic[partition]`.
    public func queryWatermarks(
        topic: String, partition: Int32, timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> KafkaWatermarks {
        try await Self.queryWatermarks(handle: handle, topic: topic, partition: partition, timeout: timeout)
    }

    /// The group membership a transactional producer needs to commit this consumer's offsets
    /// (``KafkaProducer/sendOffsetsToTransaction(_:groupMetadata:timeout:)``).
    public func groupMetadata() throws(KafkaError) -> KafkaConsumerGroupMetadata {
        try KafkaConsumerGroupMetadata.read(from: handle)
    }

    static func store(_ partition: KafkaTopicPartition, offset: Int64, on handle: RdKafkaHandle) throws(KafkaError) {
        let operation = "store offset \(offset) for \(partition)"
        let list = TopicPartitionList.make([(partition, offset)])
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let code = rd_kafka_offsets_store(handle.pointer, list)
        if let failed = TopicPartitionList.entries(list).first(where: { $0.error != .noError }) {
            throw KafkaError(code: failed.error, operation: operation, isRetriable: false)
        }
        try KafkaError.check(code, operation: operation)
    }

    static func queryWatermarks(
        handle: RdKafkaHandle, topic: String, partition: Int32, timeout: Duration
    ) async throws(KafkaError) -> KafkaWatermarks {
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-watermarks") { () throws(KafkaError) in
            var low: Int64 = 0
            var high: Int64 = 0
            try KafkaError.check(
                rd_kafka_query_watermark_offsets(handle.pointer, topic, partition, &low, &high, milliseconds),
                operation: "query watermarks of \(topic)[\(partition)]")
            return KafkaWatermarks(low: low, high: high)
        }
    }
}

import CRdKafka

/// Offsets by time: where a reader should start to see only the records written since some moment (`avatar-worker
/// results --since`), asked of the partition leader (the ListOffsets request with a timestamp) instead of read and
/// thrown away.
extension KafkaPartitionReader {
    /// The offset of the first record of `topic[partition]` whose timestamp is at or after `milliseconds` (since
    /// 1970), or nil when every record is older (reading would start at the end).
    ///
    /// Record timestamps are the producer's `CreateTime` unless the topic uses `LogAppendTime`; both only ever
    /// approximate "when it was written", which is why the answer is a starting point, not a filter.
    /// - Throws: ``KafkaError`` when the leader cannot be asked or refuses (unknown partition, timeout).
    public func offset(
        atOrAfter milliseconds: Int64, topic: String, partition: Int32, timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> Int64? {
        let handle = handle
        let timeoutMilliseconds = KafkaConfiguration.millisecondCount(timeout)
        let target = KafkaTopicPartition(topic: topic, partition: partition)
        return try await BlockingCall.run("kafka-offsets-for-times") { () throws(KafkaError) -> Int64? in
            let operation = "look up the offset of \(target) at \(milliseconds) ms"
            let list = TopicPartitionList.make([(target, milliseconds)])
            defer { rd_kafka_topic_partition_list_destroy(list) }
            try KafkaError.check(rd_kafka_offsets_for_times(handle.pointer, list, timeoutMilliseconds), operation: operation)
            guard let entry = TopicPartitionList.entries(list).first else {
                throw KafkaError(code: .invalidState, reason: "no answer for the partition", operation: operation)
            }
            guard entry.error == .noError else { throw KafkaError(code: entry.error, operation: operation) }
            return entry.offset >= 0 ? entry.offset : nil
        }
    }
}

import CRdKafka

/// A consumer group's committed offsets, read from the outside: the OffsetFetch request through the Admin API, so
/// a tool can ask where a group stands without becoming a member (joining would trigger a rebalance of the group's
/// real members).
extension KafkaAdmin {
    /// The offsets `group` has committed for `partitions` of `topic`: the next offset each partition's owner will
    /// consume. Partitions with nothing committed are absent from the answer.
    /// - Throws: ``KafkaError`` when the group coordinator cannot be asked or refuses (authorisation, timeout).
    public func committedOffsets(
        group: String, topic: String, partitions: [Int32], timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [Int32: Int64] {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        let wanted = partitions.map { KafkaTopicPartition(topic: topic, partition: $0) }
        return try await BlockingCall.run("kafka-admin-group-offsets") { () throws(KafkaError) in
            try Self.listGroupOffsets(group: group, partitions: wanted, handle: handle, timeoutMilliseconds: milliseconds)
        }
    }

    private static func listGroupOffsets(
        group: String, partitions: [KafkaTopicPartition], handle: RdKafkaHandle, timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [Int32: Int64] {
        let operation = "read committed offsets of group \(group)"
        let list = TopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        guard let request = rd_kafka_ListConsumerGroupOffsets_new(group, list) else {
            throw KafkaError(code: .invalidArgument, reason: "the request could not be made", operation: operation)
        }
        defer { rd_kafka_ListConsumerGroupOffsets_destroy(request) }
        var requests: [OpaquePointer?] = [request]
        return try withAdminResult(
            handle, kind: RD_KAFKA_ADMIN_OP_LISTCONSUMERGROUPOFFSETS, timeoutMilliseconds: timeoutMilliseconds,
            operation: operation,
            send: { options, queue in
                requests.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_ListConsumerGroupOffsets(handle.pointer, buffer.baseAddress, 1, options, queue)
                }
            }
        ) { event throws(KafkaError) in
            guard let result = rd_kafka_event_ListConsumerGroupOffsets_result(event) else {
                throw KafkaError(code: .invalidState, reason: "unexpected admin event", operation: operation)
            }
            return try offsets(of: result, operation: operation)
        }
    }

    /// The committed offsets in a ListConsumerGroupOffsets result (one group).
    private static func offsets(of result: OpaquePointer, operation: String) throws(KafkaError) -> [Int32: Int64] {
        var count = 0
        guard let groups = rd_kafka_ListConsumerGroupOffsets_result_groups(result, &count), count > 0,
              let first = groups[0]
        else { return [:] }
        if let error = rd_kafka_group_result_error(first) {
            // Owned by the result (destroyed with the event), so read, not consumed.
            throw KafkaError(
                code: KafkaErrorCode(rd_kafka_error_code(error)), reason: String(cString: rd_kafka_error_string(error)),
                operation: operation)
        }
        var offsets: [Int32: Int64] = [:]
        for entry in TopicPartitionList.entries(rd_kafka_group_result_partitions(first)) {
            guard entry.error == .noError else {
                throw KafkaError(code: entry.error, operation: "\(operation) for \(entry.partition)")
            }
            if entry.offset >= 0 { offsets[entry.partition.partition] = entry.offset }
        }
        return offsets
    }
}

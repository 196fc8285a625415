import CRdKafka

/// The CreatePartitions request: grows topics to new partition totals (Kafka can add partitions, never remove them).
extension KafkaAdmin {
    /// Grows each topic of `totals` to its new total partition count, one request for all of them.
    ///
    /// Returns the topics the cluster refused with their error (a total not above the current count is refused with
    /// ``KafkaErrorCode/invalidPartitions``); the others were grown. The new partitions show up in metadata shortly
    /// after the answer, not necessarily at once.
    /// - Throws: ``KafkaError`` when the request as a whole fails: no broker answered, the timeout passed, or the
    ///   broker does not implement CreatePartitions (``KafkaErrorCode/unsupportedFeature``).
    public func createPartitions(
        _ totals: [String: Int32], timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> [String: KafkaError] {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-admin-create-partitions") { () throws(KafkaError) in
            try Self.createPartitions(totals, handle: handle, timeoutMilliseconds: milliseconds)
        }
    }

    private static func createPartitions(
        _ totals: [String: Int32], handle: RdKafkaHandle, timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [String: KafkaError] {
        let ordered = totals.sorted { $0.key < $1.key }
        let operation = "create partitions \(ordered.map { "\($0.key)→\($0.value)" })"
        var errstr = [CChar](repeating: 0, count: 512)
        var natives: [OpaquePointer?] = []
        defer { for native in natives { rd_kafka_NewPartitions_destroy(native) } }
        for (topic, total) in ordered {
            guard let native = rd_kafka_NewPartitions_new(topic, Int(total), &errstr, errstr.count) else {
                throw KafkaError(code: .invalidArgument, reason: "\(topic): \(CString.string(errstr))", operation: operation)
            }
            natives.append(native)
        }
        return try withAdminResult(
            handle, kind: RD_KAFKA_ADMIN_OP_CREATEPARTITIONS, timeoutMilliseconds: timeoutMilliseconds, operation: operation,
            send: { options, queue in
                natives.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_CreatePartitions(handle.pointer, buffer.baseAddress, buffer.count, options, queue)
                }
            }
        ) { event throws(KafkaError) in
            guard let result = rd_kafka_event_CreatePartitions_result(event) else {
                throw KafkaError(code: .invalidState, reason: "unexpected admin event", operation: operation)
            }
            var count = 0
            guard let results = rd_kafka_CreatePartitions_result_topics(result, &count) else { return [:] }
            var refused: [String: KafkaError] = [:]
            for index in 0..<count {
                let topicResult = results[index]
                let name = CString.string(rd_kafka_topic_result_name(topicResult))
                let code = KafkaErrorCode(rd_kafka_topic_result_error(topicResult))
                guard code != .noError else { continue }
                refused[name] = KafkaError(
                    code: code, reason: CString.string(rd_kafka_topic_result_error_string(topicResult), fallback: code.explanation),
                    operation: "grow \(name) to \(totals[name] ?? 0) partitions", isRetriable: false)
            }
            return refused
        }
    }
}

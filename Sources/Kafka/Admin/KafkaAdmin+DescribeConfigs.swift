import CRdKafka

/// The DescribeConfigs request for topics: what the cluster says each topic's configs are (cleanup policy,
/// retention, segment roll), so a tool can check them against what the worker needs.
extension KafkaAdmin {
    /// The configs of each topic in `topics`, one request for all of them.
    ///
    /// A topic the cluster refuses to describe (it does not exist, or access is denied) gets its own error in the
    /// answer rather than failing the others.
    /// - Throws: ``KafkaError`` when the request as a whole fails (no broker answered, the timeout passed).
    public func topicConfigs(
        of topics: [String], timeout: Duration = .seconds(10)
    ) async throws(KafkaError) -> [String: Result<KafkaTopicConfigs, KafkaError>] {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-admin-describe-configs") { () throws(KafkaError) in
            try Self.describeTopicConfigs(topics, handle: handle, timeoutMilliseconds: milliseconds)
        }
    }

    private static func describeTopicConfigs(
        _ topics: [String], handle: RdKafkaHandle, timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [String: Result<KafkaTopicConfigs, KafkaError>] {
        let operation = "describe configs of \(topics)"
        var resources: [OpaquePointer?] = []
        defer { for resource in resources { rd_kafka_ConfigResource_destroy(resource) } }
        for topic in topics {
            guard let resource = rd_kafka_ConfigResource_new(RD_KAFKA_RESOURCE_TOPIC, topic) else {
                throw KafkaError(code: .invalidArgument, reason: "no config resource for \(topic)", operation: operation)
            }
            resources.append(resource)
        }
        return try withAdminResult(
            handle, kind: RD_KAFKA_ADMIN_OP_DESCRIBECONFIGS, timeoutMilliseconds: timeoutMilliseconds, operation: operation,
            send: { options, queue in
                resources.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_DescribeConfigs(handle.pointer, buffer.baseAddress, buffer.count, options, queue)
                }
            }
        ) { event throws(KafkaError) in
            guard let result = rd_kafka_event_DescribeConfigs_result(event) else {
                throw KafkaError(code: .invalidState, reason: "unexpected admin event", operation: operation)
            }
            return described(result)
        }
    }

    /// Each resource's entries or error (everything here is owned by the result event).
    private static func described(_ result: OpaquePointer) -> [String: Result<KafkaTopicConfigs, KafkaError>] {
        var count = 0
        guard let resources = rd_kafka_DescribeConfigs_result_resources(result, &count) else { return [:] }
        var answer: [String: Result<KafkaTopicConfigs, KafkaError>] = [:]
        for index in 0..<count {
            guard let resource = resources[index] else { continue }
            let name = CString.string(rd_kafka_ConfigResource_name(resource))
            let code = KafkaErrorCode(rd_kafka_ConfigResource_error(resource))
            guard code == .noError else {
                answer[name] = .failure(KafkaError(
                    code: code, reason: CString.string(rd_kafka_ConfigResource_error_string(resource), fallback: code.explanation),
                    operation: "describe configs of \(name)"))
                continue
            }
            var entryCount = 0
            var configs = KafkaTopicConfigs()
            if let entries = rd_kafka_ConfigResource_configs(resource, &entryCount) {
                for entryIndex in 0..<entryCount {
                    guard let entry = entries[entryIndex] else { continue }
                    let value = rd_kafka_ConfigEntry_value(entry).map { CString.string($0) }
                    configs.entries[CString.string(rd_kafka_ConfigEntry_name(entry))] = KafkaTopicConfigs.Entry(
                        value: value, isDefault: rd_kafka_ConfigEntry_is_default(entry) != 0,
                        isSensitive: rd_kafka_ConfigEntry_is_sensitive(entry) != 0)
                }
            }
            answer[name] = .success(configs)
        }
        return answer
    }
}

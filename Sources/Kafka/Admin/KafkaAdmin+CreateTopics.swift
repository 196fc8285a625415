import CRdKafka

/// The CreateTopics request: native objects built, sent, and every one of them destroyed.
extension KafkaAdmin {
    static func createTopics(
        _ topics: [KafkaTopicSpecification], handle: RdKafkaHandle, timeoutMilliseconds: Int32
    ) throws(KafkaError) -> [String: KafkaTopicCreation] {
        let operation = "create topics \(topics.map(\.name))"
        var errstr = [CChar](repeating: 0, count: 512)
        var natives: [OpaquePointer?] = []
        defer { for native in natives { rd_kafka_NewTopic_destroy(native) } }
        for topic in topics {
            guard let native = rd_kafka_NewTopic_new(
                topic.name, topic.partitions, topic.replicationFactor, &errstr, errstr.count)
            else {
                throw KafkaError(code: .invalidArgument, reason: "\(topic.name): \(CString.string(errstr))", operation: operation)
            }
            natives.append(native)
            for (name, value) in topic.configs.sorted(by: { $0.key < $1.key }) {
                try KafkaError.check(
                    rd_kafka_NewTopic_set_config(native, name, value), operation: "\(operation): config \(name)=\(value)")
            }
        }
        return try withAdminResult(
            handle, kind: RD_KAFKA_ADMIN_OP_CREATETOPICS, timeoutMilliseconds: timeoutMilliseconds, operation: operation,
            send: { options, queue in
                natives.withUnsafeMutableBufferPointer { buffer in
                    rd_kafka_CreateTopics(handle.pointer, buffer.baseAddress, buffer.count, options, queue)
                }
            }
        ) { event throws(KafkaError) in
            guard let result = rd_kafka_event_CreateTopics_result(event) else {
                throw KafkaError(code: .invalidState, reason: "unexpected admin event", operation: operation)
            }
            return try outcomes(of: result)
        }
    }

    /// Each topic's outcome: created, already there, or the first other error.
    private static func outcomes(of result: OpaquePointer) throws(KafkaError) -> [String: KafkaTopicCreation] {
        var count = 0
        guard let results = rd_kafka_CreateTopics_result_topics(result, &count) else { return [:] }
        var outcomes: [String: KafkaTopicCreation] = [:]
        for index in 0..<count {
            let topicResult = results[index]
            let name = CString.string(rd_kafka_topic_result_name(topicResult))
            let code = KafkaErrorCode(rd_kafka_topic_result_error(topicResult))
            switch code {
            case .noError: outcomes[name] = .created
            case .topicAlreadyExists: outcomes[name] = .alreadyExists
            default:
                throw KafkaError(
                    code: code, reason: CString.string(rd_kafka_topic_result_error_string(topicResult), fallback: code.explanation),
                    operation: "create topic \(name)")
            }
        }
        return outcomes
    }
}

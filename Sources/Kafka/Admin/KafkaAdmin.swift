import CRdKafka
import Logging

/// Cluster administration over librdkafka's Admin API: create topics, grow them, read their metadata and configs.
///
/// Every call blocks a dedicated thread (never the cooperative pool) until the broker answers or the timeout passes.
public final class KafkaAdmin: Sendable {
    let handle: RdKafkaHandle
    let context: KafkaClientContext

    /// Creates an admin client (a producer-type handle that never produces).
    /// - Throws: ``UnsupportedLibrdkafkaError``, or ``KafkaError`` for a rejected configuration.
    public init(configuration: KafkaConfiguration, logger: Logger = Logger(label: "kafka.admin")) throws {
        try LibrdkafkaVersion.requireRuntime()
        let context = KafkaClientContext(logger: logger)
        let conf = try configuration.makeNative(operation: "configure admin client")
        context.install(on: conf)
        self.handle = try RdKafkaHandle.make(type: RD_KAFKA_PRODUCER, conf: conf, operation: "create admin client")
        self.context = context
    }

    deinit {
        handle.destroy()
        context.eventSink.finish()
    }

    /// Creates one topic; an existing topic of that name is reported as ``KafkaTopicCreation/alreadyExists``.
    /// - Throws: ``KafkaError`` for any other refusal (invalid partition count, authorisation, timeout).
    public func createTopic(
        _ topic: KafkaTopicSpecification, timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> KafkaTopicCreation {
        try await createTopics([topic], timeout: timeout)[topic.name] ?? .created
    }

    /// Creates several topics in one request and reports, per topic name, whether each was created or already existed.
    /// - Throws: the first ``KafkaError`` other than "already exists".
    public func createTopics(
        _ topics: [KafkaTopicSpecification], timeout: Duration = .seconds(30)
    ) async throws(KafkaError) -> [String: KafkaTopicCreation] {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-admin-create-topics") { () throws(KafkaError) in
            try Self.createTopics(topics, handle: handle, timeoutMilliseconds: milliseconds)
        }
    }

    /// The number of partitions of `topic`.
    /// - Throws: ``KafkaErrorCode/unknownTopicOrPartition`` when it does not exist.
    public func partitionCount(of topic: String, timeout: Duration = .seconds(10)) async throws(KafkaError) -> Int {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-admin-metadata") { () throws(KafkaError) in
            // All-topics metadata: asking for one named topic would let brokers that auto-create topics create it.
            let operation = "read partition count of \(topic)"
            return try Self.withMetadata(handle, allTopics: true, timeoutMilliseconds: milliseconds, operation: operation) { metadata throws(KafkaError) in
                let topics = UnsafeBufferPointer(start: metadata.topics, count: Int(metadata.topic_cnt))
                guard let described = topics.first(where: { CString.string($0.topic) == topic }) else {
                    throw KafkaError(
                        code: .unknownTopicOrPartition, reason: "the cluster has no topic \(topic)", operation: operation,
                        isRetriable: false)
                }
                try KafkaError.check(described.err, operation: operation)
                return Int(described.partition_cnt)
            }
        }
    }

    /// The partition counts of those of `topics` that exist, from one metadata request (a missing topic is absent
    /// from the answer, never created: the request asks for all topics).
    /// - Throws: ``KafkaError`` when no broker answers, or the cluster reports an error for one of `topics` other
    ///   than "unknown topic".
    public func partitionCounts(of topics: [String], timeout: Duration = .seconds(10)) async throws(KafkaError) -> [String: Int] {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        let wanted = Set(topics)
        return try await BlockingCall.run("kafka-admin-metadata") { () throws(KafkaError) in
            let operation = "read partition counts of \(topics)"
            return try Self.withMetadata(handle, allTopics: true, timeoutMilliseconds: milliseconds, operation: operation) { metadata throws(KafkaError) in
                var counts: [String: Int] = [:]
                for described in UnsafeBufferPointer(start: metadata.topics, count: Int(metadata.topic_cnt)) {
                    let name = CString.string(described.topic)
                    guard wanted.contains(name) else { continue }
                    if described.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART { continue }
                    try KafkaError.check(described.err, operation: "\(operation): \(name)")
                    counts[name] = Int(described.partition_cnt)
                }
                return counts
            }
        }
    }

    /// The ids of the brokers in the cluster (a cheap "is it up" probe).
    public func brokerIDs(timeout: Duration = .seconds(5)) async throws(KafkaError) -> [Int32] {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-admin-metadata") { () throws(KafkaError) in
            try Self.withMetadata(handle, allTopics: false, timeoutMilliseconds: milliseconds, operation: "read brokers") { metadata in
                (0..<Int(metadata.broker_cnt)).compactMap { metadata.brokers?[$0].id }
            }
        }
    }

    /// The cluster id the brokers report (nil when they report none).
    public func clusterID(timeout: Duration = .seconds(5)) async throws(KafkaError) -> String? {
        let handle = handle
        let milliseconds = KafkaConfiguration.millisecondCount(timeout)
        return try await BlockingCall.run("kafka-admin-cluster-id") { () throws(KafkaError) in
            // librdkafka answers from its last metadata response, requesting one first if it has none.
            _ = try Self.withMetadata(handle, allTopics: false, timeoutMilliseconds: milliseconds, operation: "read cluster id") { _ in }
            guard let id = rd_kafka_clusterid(handle.pointer, 0) else { return nil }
            defer { rd_kafka_mem_free(handle.pointer, id) }
            return String(cString: id)
        }
    }

    private static func withMetadata<T>(
        _ handle: RdKafkaHandle, allTopics: Bool, timeoutMilliseconds: Int32, operation: String,
        _ body: (rd_kafka_metadata) throws(KafkaError) -> T
    ) throws(KafkaError) -> T {
        var metadata: UnsafePointer<rd_kafka_metadata>?
        try KafkaError.check(
            rd_kafka_metadata(handle.pointer, allTopics ? 1 : 0, nil, &metadata, timeoutMilliseconds), operation: operation)
        guard let metadata else {
            throw KafkaError(code: .invalidState, reason: "no metadata returned", operation: operation)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        return try body(metadata.pointee)
    }
}

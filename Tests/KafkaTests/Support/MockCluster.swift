import CRdKafka
import Kafka

/// librdkafka's in-process mock cluster, for fault injection (request errors, broker down) without a real broker.
///
/// Why `@unchecked Sendable` is sound: it holds two immutable pointers; the mock-cluster functions used here post
/// their work to the mock cluster's own thread and are safe from any thread; both pointers are destroyed only in
/// `deinit`, when no other reference exists.
final class MockCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    let cluster: OpaquePointer

    /// Starts a cluster of `brokers` brokers (ids 1...brokers) with no group-join delay.
    init(brokers: Int32 = 1) throws {
        let conf = rd_kafka_conf_new()
        rd_kafka_conf_set(conf, "log_level", "0", nil, 0)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, nil, 0) else {
            throw KafkaError(code: .invalidState, reason: "could not create the mock cluster's owner", operation: "mock")
        }
        self.owner = owner
        guard let cluster = rd_kafka_mock_cluster_new(owner, brokers) else {
            rd_kafka_destroy(owner)
            throw KafkaError(code: .invalidState, reason: "could not create a mock cluster", operation: "mock")
        }
        self.cluster = cluster
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0)
    }

    deinit {
        rd_kafka_mock_cluster_destroy(cluster)
        rd_kafka_destroy(owner)
    }

    var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(cluster)) }

    func createTopic(_ name: String, partitions: Int32 = 1) {
        _ = rd_kafka_mock_topic_create(cluster, name, partitions, 1)
    }

    /// The next `errors.count` Produce requests (to any broker) fail with these codes, in order.
    func failNextProduceRequests(with errors: [KafkaErrorCode]) {
        let native = errors.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
        native.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(cluster, Self.produceAPIKey, buffer.count, buffer.baseAddress)
        }
    }

    func setBroker(_ id: Int32, up: Bool) {
        _ = up ? rd_kafka_mock_broker_set_up(cluster, id) : rd_kafka_mock_broker_set_down(cluster, id)
    }

    func startRequestTracking() { rd_kafka_mock_start_request_tracking(cluster) }

    /// How many Produce requests the brokers received since tracking started.
    func produceRequestCount() -> Int {
        var count = 0
        guard let requests = rd_kafka_mock_get_requests(cluster, &count) else { return 0 }
        defer { rd_kafka_mock_request_destroy_array(requests, count) }
        return (0..<count).filter { rd_kafka_mock_request_api_key(requests[$0]) == Self.produceAPIKey }.count
    }

    /// A producer configuration for this cluster with short retry back-offs (tests should not wait for defaults).
    func producerConfiguration() -> KafkaConfiguration {
        KafkaConfiguration.producer(bootstrapServers: bootstrapServers).merging([
            "retry.backoff.ms": "50", "retry.backoff.max.ms": "200", "reconnect.backoff.ms": "50",
            "reconnect.backoff.max.ms": "200", "linger.ms": "1",
        ])
    }

    private static let produceAPIKey: Int16 = 0
}

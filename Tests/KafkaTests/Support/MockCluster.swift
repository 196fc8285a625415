import CRdKafka
import Kafka
import KafkaDevelopment

/// librdkafka's in-process mock cluster, for fault injection (request errors, broker down) without a real broker:
/// `MockKafkaCluster` from KafkaDevelopment, with the injections these tests use.
typealias MockCluster = MockKafkaCluster

extension MockKafkaCluster {
    /// The next `errors.count` Produce requests (to any broker) fail with these codes, in order.
    func failNextProduceRequests(with errors: [KafkaErrorCode]) {
        let native = errors.map { rd_kafka_resp_err_t(rawValue: $0.rawValue) }
        native.withUnsafeBufferPointer { buffer in
            rd_kafka_mock_push_request_errors_array(pointer, Self.produceAPIKey, buffer.count, buffer.baseAddress)
        }
    }

    func setBroker(_ id: Int32, up: Bool) {
        _ = up ? rd_kafka_mock_broker_set_up(pointer, id) : rd_kafka_mock_broker_set_down(pointer, id)
    }

    func startRequestTracking() { rd_kafka_mock_start_request_tracking(pointer) }

    /// How many Produce requests the brokers received since tracking started.
    func produceRequestCount() -> Int {
        var count = 0
        guard let requests = rd_kafka_mock_get_requests(pointer, &count) else { return 0 }
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

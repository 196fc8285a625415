import CRdKafka
import Kafka

/// librdkafka's mock cluster (`rdkafka_mock.h`) serving real sockets on 127.0.0.1: a Kafka-protocol broker that lives
/// in this process, for tools that need a broker other than Tansu (`avatar-worker mock-broker`).
///
/// It implements what clients need for produce, consume, consumer groups (joins, syncs, heartbeats, leaves, session
/// expiry), offsets and idempotent and transactional producers, keeps everything in memory and never compacts. Its
/// group coordinator elects a new leader among the members that rejoin, which Tansu 0.6 does not
/// (docs/RELIABILITY.md). Topics are created by clients (CreateTopics) or `createTopic(_:partitions:)`.
///
/// Why `@unchecked Sendable` is sound: it holds two pointers set once; the mock-cluster functions post their work to
/// the cluster's own thread and are safe from any thread; both are destroyed only in `deinit`.
public final class MockKafkaCluster: @unchecked Sendable {
    private let owner: OpaquePointer
    /// The `rd_kafka_mock_cluster_t`, for fault injection through `rdkafka_mock.h` (request errors, brokers down).
    public let pointer: OpaquePointer

    /// Starts a cluster of `brokers` brokers with no initial rebalance delay (a group's first join is not held back).
    public init(brokers: Int32 = 1) throws(KafkaError) {
        let conf = rd_kafka_conf_new()
        rd_kafka_conf_set(conf, "log_level", "0", nil, 0)
        guard let owner = rd_kafka_new(RD_KAFKA_PRODUCER, conf, nil, 0) else {
            throw KafkaError(code: .invalidState, reason: "could not create the mock cluster's owner", operation: "start mock cluster")
        }
        guard let cluster = rd_kafka_mock_cluster_new(owner, brokers) else {
            rd_kafka_destroy(owner)
            throw KafkaError(code: .invalidState, reason: "could not create a mock cluster", operation: "start mock cluster")
        }
        self.owner = owner
        self.pointer = cluster
        rd_kafka_mock_group_initial_rebalance_delay_ms(cluster, 0)
    }

    deinit {
        rd_kafka_mock_cluster_destroy(pointer)
        rd_kafka_destroy(owner)
    }

    /// `host:port,…` of its brokers.
    public var bootstrapServers: String { String(cString: rd_kafka_mock_cluster_bootstraps(pointer)) }

    /// Creates `name` with `partitions` partitions (replication factor 1).
    public func createTopic(_ name: String, partitions: Int32 = 1) throws(KafkaError) {
        guard partitions > 0, !name.isEmpty else {
            throw KafkaError(code: .invalidArgument, reason: "a topic needs a name and at least one partition, got \(name)=\(partitions)",
                             operation: "create topic")
        }
        try KafkaError.checkMock(rd_kafka_mock_topic_create(pointer, name, partitions, 1), operation: "create topic \(name)")
    }
}

extension KafkaError {
    fileprivate static func checkMock(_ code: rd_kafka_resp_err_t, operation: String) throws(KafkaError) {
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        throw KafkaError(code: KafkaErrorCode(rawValue: code.rawValue), operation: operation)
    }
}

import CRdKafka

/// A librdkafka error code (`rd_kafka_resp_err_t`): negative values are client-side conditions, positive values are
/// Kafka protocol errors returned by a broker.
///
/// A struct with static members rather than an enum, so codes that librdkafka adds later are still representable and
/// comparable. ``name`` and ``explanation`` come from librdkafka itself, so they always match its documentation.
public struct KafkaErrorCode: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The numeric `rd_kafka_resp_err_t` value.
    public let rawValue: Int32

    /// Wraps a raw librdkafka error code.
    public init(rawValue: Int32) { self.rawValue = rawValue }

    init(_ native: rd_kafka_resp_err_t) { self.rawValue = native.rawValue }

    var native: rd_kafka_resp_err_t { rd_kafka_resp_err_t(rawValue: rawValue) }

    /// librdkafka's symbolic name without the `RD_KAFKA_RESP_ERR_` prefix, e.g. `_QUEUE_FULL` or `TOPIC_ALREADY_EXISTS`.
    public var name: String { String(cString: rd_kafka_err2name(native)) }

    /// librdkafka's human-readable explanation of the code.
    public var explanation: String { String(cString: rd_kafka_err2str(native)) }

    /// `name(rawValue)`, e.g. `_QUEUE_FULL(-184)`.
    public var description: String { "\(name)(\(rawValue))" }

    /// No error.
    public static let noError = KafkaErrorCode(RD_KAFKA_RESP_ERR_NO_ERROR)
    /// The local produce queue is full: back-pressure, wait for delivery reports and retry.
    public static let queueFull = KafkaErrorCode(RD_KAFKA_RESP_ERR__QUEUE_FULL)
    /// A message was not delivered within `message.timeout.ms`.
    public static let messageTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__MSG_TIMED_OUT)
    /// A local operation timed out.
    public static let timedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR__TIMED_OUT)
    /// The client is in a state where the operation is not allowed (closed, partition not assigned, stale epoch).
    public static let invalidState = KafkaErrorCode(RD_KAFKA_RESP_ERR__STATE)
    /// An argument (configuration property, topic name, count) was rejected.
    public static let invalidArgument = KafkaErrorCode(RD_KAFKA_RESP_ERR__INVALID_ARG)
    /// A fatal error: the client instance can no longer be used; the application should end or recreate it.
    public static let fatal = KafkaErrorCode(RD_KAFKA_RESP_ERR__FATAL)
    /// The message was purged from the local queue (producer closed before delivery).
    public static let purgedFromQueue = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_QUEUE)
    /// The message was purged while in flight to the broker (producer closed before delivery).
    public static let purgedInFlight = KafkaErrorCode(RD_KAFKA_RESP_ERR__PURGE_INFLIGHT)
    /// The client is being destroyed.
    public static let destroyed = KafkaErrorCode(RD_KAFKA_RESP_ERR__DESTROY)
    /// The consumer reached the end of a partition (only reported when `enable.partition.eof=true`).
    public static let partitionEOF = KafkaErrorCode(RD_KAFKA_RESP_ERR__PARTITION_EOF)
    /// Nothing to commit: no offset was stored since the last commit.
    public static let noOffset = KafkaErrorCode(RD_KAFKA_RESP_ERR__NO_OFFSET)
    /// The topic already exists (CreateTopics).
    public static let topicAlreadyExists = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
    /// The topic or partition does not exist.
    public static let unknownTopicOrPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART)
    /// The local client does not know the topic (not in metadata).
    public static let unknownTopic = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC)
    /// The local client does not know the partition.
    public static let unknownPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION)
    /// The principal may not write to or read from the topic.
    public static let topicAuthorizationFailed = KafkaErrorCode(RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED)
    /// All brokers are down (a client-side condition the client recovers from by itself).
    public static let allBrokersDown = KafkaErrorCode(RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN)
    /// A transport (connection) failure.
    public static let transport = KafkaErrorCode(RD_KAFKA_RESP_ERR__TRANSPORT)
    /// The broker is not the leader for the partition (retriable).
    public static let notLeaderForPartition = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION)
    /// Fewer in-sync replicas than required (retriable).
    public static let notEnoughReplicas = KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS)
    /// A broker request timed out (retriable).
    public static let requestTimedOut = KafkaErrorCode(RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT)
    /// The producer was fenced by a newer instance with the same `transactional.id` (fatal).
    public static let producerFenced = KafkaErrorCode(RD_KAFKA_RESP_ERR__FENCED)
    /// A TLS failure: the handshake failed (an untrusted or mismatched certificate, TLS spoken to a plaintext port).
    public static let ssl = KafkaErrorCode(RD_KAFKA_RESP_ERR__SSL)
    /// SASL authentication failed (wrong mechanism, user name or password).
    public static let authentication = KafkaErrorCode(RD_KAFKA_RESP_ERR__AUTHENTICATION)

    /// The broker does not implement the request (e.g. CreatePartitions on a broker without KIP-195).
    public static let unsupportedFeature = KafkaErrorCode(RD_KAFKA_RESP_ERR__UNSUPPORTED_FEATURE)
    /// A partition count the broker refuses (e.g. not more than the topic has: Kafka cannot remove partitions).
    public static let invalidPartitions = KafkaErrorCode(RD_KAFKA_RESP_ERR_INVALID_PARTITIONS)

    /// Codes that a caller may retry as they are, absent a richer `rd_kafka_error_t` verdict.
    static let retriableByDefault: Set<KafkaErrorCode> = [
        .queueFull, .timedOut, .messageTimedOut, .transport, .allBrokersDown, .notLeaderForPartition,
        .notEnoughReplicas, .requestTimedOut,
        KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_COORDINATOR_LOAD_IN_PROGRESS),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_NOT_COORDINATOR),
        KafkaErrorCode(RD_KAFKA_RESP_ERR_NETWORK_EXCEPTION),
    ]
}

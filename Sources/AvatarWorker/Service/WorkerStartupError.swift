import Kafka

/// Why the worker cannot start: each case says what to fix.
public enum WorkerStartupError: Error, Sendable, CustomStringConvertible {
    /// A topic the worker needs does not exist (`missing`) or its metadata cannot be read.
    case missingTopic(option: String, topic: String, reason: String, missing: Bool)
    /// The tasks topic must have exactly as many partitions as the jobs topic (ledger partition p = jobs partition p).
    case partitionMismatch(jobsTopic: String, jobs: Int, tasksTopic: String, tasks: Int)
    /// The fleet cap cannot be split over the jobs topic's partitions.
    case capacity(String)
    /// The CometAPI client configuration is unusable.
    case apiClient(String)
    /// No broker of `brokers` answered: a TLS or SASL failure (reported at once, since librdkafka would retry it
    /// forever) or nothing answering within the connect timeout.
    case kafkaUnreachable(brokers: String, error: KafkaError)

    public var description: String {
        switch self {
        case .missingTopic(let option, let topic, let reason, let missing):
            "topic \(topic) (--\(option)) is not usable: \(reason)"
                + (missing ? "; create it with `avatar-worker topics create`" : "; is --brokers right and the broker up?")
        case .partitionMismatch(let jobsTopic, let jobs, let tasksTopic, let tasks):
            "the tasks topic \(tasksTopic) has \(tasks) partitions but the jobs topic \(jobsTopic) has \(jobs); "
                + "they must match (ledger partition p holds the jobs of jobs partition p)"
        case .capacity(let reason):
            "in-flight capacity: \(reason)"
        case .apiClient(let reason):
            "CometAPI client: \(reason)"
        case .kafkaUnreachable(let brokers, let error) where error.code == .ssl:
            "the TLS handshake with the Kafka brokers \(brokers) failed: \(error.reason). Check that ssl.ca.location "
                + "(--kafka ssl.ca.location=FILE or AVATAR_WORKER_KAFKA_SSL_CA_LOCATION) names the CA that signed the "
                + "brokers' certificates, that those certificates are valid for the host names in --brokers, and that "
                + "security.protocol matches the listener (SSL or SASL_SSL on a TLS port)"
        case .kafkaUnreachable(let brokers, let error) where error.code == .authentication:
            "SASL authentication with the Kafka brokers \(brokers) failed: \(error.reason). Check sasl.mechanisms, "
                + "sasl.username and sasl.password (--kafka NAME=VALUE or AVATAR_WORKER_KAFKA_SASL_…)"
        case .kafkaUnreachable(let brokers, let error):
            "no Kafka broker of \(brokers) answered: \(error.reason). Is --brokers right, the broker up, and "
                + "security.protocol what its listener expects?"
        }
    }
}

/// Something a Kafka client reports outside of any particular call: an error it will try to recover from, a fatal
/// error that makes it unusable, or a statistics snapshot.
///
/// Read them from `events` on ``KafkaProducer`` or ``KafkaConsumer``. The stream keeps only the newest 256 events when
/// nobody reads it, so an application that ignores it leaks nothing. An application should end (or recreate the
/// client) on ``fatal(_:)``; every other event is informational, as librdkafka recovers by itself.
public enum KafkaClientEvent: Sendable, Hashable {
    /// A non-fatal error (broker down, authentication refused, ...); the client keeps retrying.
    case error(KafkaError)
    /// The client can no longer be used (idempotence guarantee broken, producer fenced, ...).
    case fatal(KafkaError)
    /// librdkafka's statistics JSON, emitted every `statistics.interval.ms`.
    case statistics(String)
}

/// What to do with one message's delivery report: carried through librdkafka as the message opaque (retained once
/// when produced, released exactly once in the delivery-report callback or when the produce call itself fails).
final class DeliveryCompletion: Sendable {
    /// Who waits for the report.
    enum Target: Sendable {
        /// One awaited ``KafkaProducer/send(_:)``.
        case single(CheckedContinuation<Result<KafkaDeliveryReport, KafkaError>, Never>)
        /// Slot `index` of a ``KafkaProducer/sendAll(_:)`` batch.
        case batch(BatchDeliveryCollector, Int)
    }

    let target: Target
    /// The message's topic, so the report needs no C-string conversion.
    let topic: String

    init(_ target: Target, topic: String) {
        self.target = target
        self.topic = topic
    }

    /// Hands the outcome to the waiter.
    func complete(_ outcome: Result<KafkaDeliveryReport, KafkaError>) {
        switch target {
        case .single(let continuation): continuation.resume(returning: outcome)
        case .batch(let collector, let index): collector.record(outcome, at: index)
        }
    }
}

import Kafka
import TestSupport

/// Keeps one iteration of a consumer's messages open across test steps, so records already handed over in a batch are
/// not lost between two `take` calls.
public actor MessageCollector {
    private var iterator: KafkaConsumerMessages.AsyncIterator

    /// Starts iterating `consumer.messages`.
    public init(_ consumer: KafkaConsumer) { iterator = consumer.messages.makeAsyncIterator() }

    /// The next `count` records, failing with ``TestTimeout`` after `limit` or when the sequence ends early.
    public func take(_ count: Int, within limit: Duration = .seconds(30)) async throws -> [KafkaConsumerMessage] {
        try await withTimeout(limit, "\(count) messages") { try await self.next(count) }
    }

    private func next(_ count: Int) async throws -> [KafkaConsumerMessage] {
        var taken: [KafkaConsumerMessage] = []
        while taken.count < count {
            var current = iterator
            let message = try await current.next()
            iterator = current
            guard let message else { throw TestTimeout(what: "\(count) messages (sequence ended)", limit: .zero) }
            taken.append(message)
        }
        return taken
    }
}

import Kafka
import Logging
import ServiceLifecycle

/// Watches the Kafka clients' event streams: logs recoverable errors and ends the service group (and so the
/// process, with a non-zero exit) on a fatal one, as librdkafka's clients are unusable after it.
struct KafkaHealthService: Service {
    let streams: [AsyncStream<KafkaClientEvent>]
    let logger: Logger

    func run() async throws {
        try await withThrowingDiscardingTaskGroup { group in
            for stream in streams {
                group.addTask {
                    for await event in stream.cancelOnGracefulShutdown() {
                        switch event {
                        case .fatal(let error):
                            throw error
                        case .error(let error):
                            logger.warning("kafka client error", metadata: ["error": "\(error)"])
                        case .statistics:
                            continue
                        }
                    }
                }
            }
        }
    }
}

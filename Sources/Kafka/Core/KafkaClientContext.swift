import CRdKafka
import Logging
import Synchronization

/// The object librdkafka's callbacks reach through the configuration opaque: it routes logs to swift-log, errors and
/// statistics to the client's event stream, and delivery reports or rebalances to the client that owns it.
///
/// Lifetime: the owning client keeps the context alive until after `rd_kafka_destroy` returns, so a callback never
/// sees a freed context. All stored properties are immutable and `Sendable`.
final class KafkaClientContext: Sendable {
    let logger: Logger
    let events: AsyncStream<KafkaClientEvent>
    let eventSink: AsyncStream<KafkaClientEvent>.Continuation
    /// Set for producers: completes per-message deliveries.
    let deliveries: ProducerDeliveries?
    /// Set for group consumers: runs the rebalance protocol.
    let consumer: ConsumerCoordinator?
    /// The newest client error the error callback reported, for callers that wait on a blocking call and want to say
    /// why it did not succeed (``KafkaAdmin/checkConnection(timeout:)``).
    let lastClientError = Mutex<KafkaError?>(nil)

    init(logger: Logger, deliveries: ProducerDeliveries? = nil, consumer: ConsumerCoordinator? = nil) {
        self.logger = logger
        (events, eventSink) = AsyncStream.makeStream(of: KafkaClientEvent.self, bufferingPolicy: .bufferingNewest(256))
        self.deliveries = deliveries
        self.consumer = consumer
    }

    /// The context registered on `rk` (every handle this module creates has one).
    static func of(_ rk: OpaquePointer?) -> KafkaClientContext? {
        guard let rk, let opaque = rd_kafka_opaque(rk) else { return nil }
        return Unmanaged<KafkaClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    /// Runs `body` with the context registered on `rk` without retaining it: for per-message callbacks. Sound because
    /// the owner keeps its context until after it destroyed the handle, and callbacks run only inside calls on it.
    static func withContext(_ rk: OpaquePointer?, _ body: (KafkaClientContext) -> Void) {
        guard let rk, let opaque = rd_kafka_opaque(rk) else { return }
        Unmanaged<KafkaClientContext>.fromOpaque(opaque)._withUnsafeGuaranteedRef(body)
    }

    /// Registers this context and the log, error and statistics callbacks on `conf`.
    ///
    /// The opaque is unretained: the owner holds the context for longer than the handle lives.
    func install(on conf: OpaquePointer) {
        rd_kafka_conf_set_opaque(conf, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(conf) { rk, level, facility, message in
            KafkaClientContext.of(rk)?.log(level: level, facility: facility, message: message)
        }
        rd_kafka_conf_set_error_cb(conf) { rk, code, reason, _ in
            KafkaClientContext.of(rk)?.clientError(rk: rk, code: code, reason: reason)
        }
        rd_kafka_conf_set_stats_cb(conf) { rk, json, length, _ in
            guard let context = KafkaClientContext.of(rk), let json else { return 0 }
            let text = String(decoding: UnsafeRawBufferPointer(start: json, count: length), as: UTF8.self)
            context.eventSink.yield(.statistics(text))
            return 0  // librdkafka frees the JSON
        }
    }

    /// swift-log level for a syslog level (librdkafka's convention).
    static func logLevel(syslog level: Int32) -> Logger.Level {
        switch level {
        case ...2: .critical
        case 3: .error
        case 4: .warning
        case 5: .notice
        case 6: .info
        default: .debug
        }
    }

    private func log(level: Int32, facility: UnsafePointer<CChar>?, message: UnsafePointer<CChar>?) {
        let swiftLevel = Self.logLevel(syslog: level)
        logger.log(
            level: swiftLevel, "\(CString.string(message))",
            metadata: ["rdkafka.facility": "\(CString.string(facility))"])
    }

    private func clientError(rk: OpaquePointer?, code: Int32, reason: UnsafePointer<CChar>?) {
        let errorCode = KafkaErrorCode(rawValue: code)
        if errorCode == .fatal, let rk, let fatal = RdKafkaHandle(pointer: rk).fatalError(operation: "client") {
            logger.critical("fatal Kafka client error", metadata: ["error": "\(fatal)"])
            eventSink.yield(.fatal(fatal))
            return
        }
        let error = KafkaError(code: errorCode, reason: CString.string(reason), operation: "client")
        lastClientError.withLock { $0 = error }
        logger.warning("Kafka client error", metadata: ["error": "\(error)"])
        eventSink.yield(.error(error))
    }
}

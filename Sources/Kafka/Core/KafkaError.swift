import CRdKafka

/// A failure reported by librdkafka or detected by this module, with everything a caller needs to decide what to do.
///
/// Decide by the flags, not by the code: ``isFatal`` means the client instance is unusable (end the process or
/// recreate the client); ``txnRequiresAbort`` means abort the current transaction and start again; ``isRetriable``
/// means the same call may succeed if repeated. ``operation`` says what was being attempted (for example
/// `send to avatar.jobs[3]`), ``reason`` carries librdkafka's own message.
public struct KafkaError: Error, Hashable, Sendable, CustomStringConvertible {
    /// librdkafka's error code.
    public var code: KafkaErrorCode
    /// What failed, in librdkafka's words (or this module's, for conditions it detects itself).
    public var reason: String
    /// What was being attempted, e.g. `commit transaction` or `configure bootstrap.servers`.
    public var operation: String
    /// The client instance cannot be used any more.
    public var isFatal: Bool
    /// Repeating the same call may succeed.
    public var isRetriable: Bool
    /// The current transaction must be aborted (`abortTransaction`) before anything else is done with it.
    public var txnRequiresAbort: Bool

    /// Creates an error; ``isRetriable`` defaults to librdkafka's usual verdict for `code`.
    public init(
        code: KafkaErrorCode, reason: String? = nil, operation: String,
        isFatal: Bool? = nil, isRetriable: Bool? = nil, txnRequiresAbort: Bool = false
    ) {
        self.code = code
        self.reason = reason ?? code.explanation
        self.operation = operation
        self.isFatal = isFatal ?? (code == .fatal || code == .producerFenced)
        self.isRetriable = isRetriable ?? KafkaErrorCode.retriableByDefault.contains(code)
        self.txnRequiresAbort = txnRequiresAbort
    }

    /// librdkafka's symbolic name of ``code``, e.g. `_QUEUE_FULL`.
    public var name: String { code.name }

    /// One line: operation, code name and number, reason, and the flags that are set.
    public var description: String {
        var flags: [String] = []
        if isFatal { flags.append("fatal") }
        if txnRequiresAbort { flags.append("abort transaction") }
        if isRetriable { flags.append("retriable") }
        let suffix = flags.isEmpty ? "" : " [\(flags.joined(separator: ", "))]"
        return "\(operation) failed: \(code.name) (\(code.rawValue)): \(reason)\(suffix)"
    }

    /// Converts an `rd_kafka_error_t` and destroys it; every caller that receives one hands it here exactly once.
    static func consuming(_ error: OpaquePointer, operation: String) -> KafkaError {
        defer { rd_kafka_error_destroy(error) }
        return KafkaError(
            code: KafkaErrorCode(rd_kafka_error_code(error)),
            reason: String(cString: rd_kafka_error_string(error)),
            operation: operation,
            isFatal: rd_kafka_error_is_fatal(error) != 0,
            isRetriable: rd_kafka_error_is_retriable(error) != 0,
            txnRequiresAbort: rd_kafka_error_txn_requires_abort(error) != 0
        )
    }

    /// Throws when `error` is non-nil (consuming it); returns quietly otherwise.
    static func check(_ error: OpaquePointer?, operation: String) throws(KafkaError) {
        if let error { throw consuming(error, operation: operation) }
    }

    /// Throws for any code other than `NO_ERROR`.
    static func check(_ code: rd_kafka_resp_err_t, operation: String) throws(KafkaError) {
        if code != RD_KAFKA_RESP_ERR_NO_ERROR { throw KafkaError(code: KafkaErrorCode(code), operation: operation) }
    }
}

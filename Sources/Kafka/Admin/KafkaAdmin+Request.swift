import CRdKafka

/// The life of one Admin API request, shared by every admin call: a result queue and options of their own, the
/// request sent, its result event awaited (a timeout past the request's own), checked, and everything destroyed.
extension KafkaAdmin {
    /// Sends a request of kind `kind` with `send(options, queue)` and hands its checked result event to `body`.
    static func withAdminResult<T>(
        _ handle: RdKafkaHandle, kind: rd_kafka_admin_op_t, timeoutMilliseconds: Int32, operation: String,
        send: (OpaquePointer?, OpaquePointer) -> Void, _ body: (OpaquePointer) throws(KafkaError) -> T
    ) throws(KafkaError) -> T {
        guard let queue = rd_kafka_queue_new(handle.pointer) else {
            throw KafkaError(code: .invalidState, reason: "no queue", operation: operation)
        }
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle.pointer, kind)
        defer { rd_kafka_AdminOptions_destroy(options) }
        var errstr = [CChar](repeating: 0, count: 512)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, timeoutMilliseconds, &errstr, errstr.count)
        if kind == RD_KAFKA_ADMIN_OP_CREATETOPICS || kind == RD_KAFKA_ADMIN_OP_CREATEPARTITIONS {
            _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMilliseconds, &errstr, errstr.count)
        }
        send(options, queue)
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds + 1000) else {
            throw KafkaError(code: .timedOut, operation: operation)
        }
        defer { rd_kafka_event_destroy(event) }
        let code = rd_kafka_event_error(event)
        if code != RD_KAFKA_RESP_ERR_NO_ERROR {
            // The event's own message names the cause (e.g. "CreatePartitions (KIP-195) not supported by broker").
            throw KafkaError(
                code: KafkaErrorCode(code), reason: CString.string(rd_kafka_event_error_string(event), fallback: KafkaErrorCode(code).explanation),
                operation: operation)
        }
        return try body(event)
    }
}

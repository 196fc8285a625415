import CRdKafka
#if canImport(Glibc)
import Glibc
#endif

/// A librdkafka client handle (`rd_kafka_t *`) that threads and tasks may share.
///
/// Why `@unchecked Sendable` is sound: the wrapper is an immutable pointer, and librdkafka documents every API that
/// takes an `rd_kafka_t *` as thread-safe, with the single exception of `rd_kafka_destroy`. Each owning client type
/// (``KafkaProducer``, ``KafkaConsumer``, ``KafkaAdmin``, ``KafkaPartitionReader``) calls ``destroy()`` exactly once,
/// after it has stopped its own threads and refused new calls, so no other use can race with destruction.
struct RdKafkaHandle: @unchecked Sendable {
    /// The raw handle.
    let pointer: OpaquePointer

    /// Creates a client of `type` from `configuration`, taking ownership of `conf` on success and destroying it on
    /// failure (librdkafka keeps it only when `rd_kafka_new` succeeds).
    static func make(
        type: rd_kafka_type_t, conf: OpaquePointer, operation: String
    ) throws(KafkaError) -> RdKafkaHandle {
        var errstr = [CChar](repeating: 0, count: 512)
        guard let rk = rd_kafka_new(type, conf, &errstr, errstr.count) else {
            rd_kafka_conf_destroy(conf)
            throw KafkaError(
                code: .invalidArgument, reason: CString.string(errstr),
                operation: operation)
        }
        return RdKafkaHandle(pointer: rk)
    }

    /// The fatal error the client has raised, if any (`rd_kafka_fatal_error`).
    func fatalError(operation: String) -> KafkaError? {
        var buffer = [CChar](repeating: 0, count: 512)
        let code = rd_kafka_fatal_error(pointer, &buffer, buffer.count)
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return nil }
        return KafkaError(
            code: KafkaErrorCode(code), reason: CString.string(buffer), operation: operation, isFatal: true,
            isRetriable: false)
    }

    /// Destroys the handle; the caller guarantees no concurrent or later use.
    func destroy() { rd_kafka_destroy(pointer) }
}

/// Conversions between C strings and Swift that never trap on bad bytes.
enum CString {
    /// The NUL-terminated prefix of `buffer`, with invalid UTF-8 repaired.
    static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The error text of a consumer error event: its payload, `len` bytes (not NUL-terminated), or the code's
    /// description when it has none. Not for delivery reports: there the payload is the message's own value, which
    /// `rd_kafka_message_errstr` would hand back as if it were a C string.
    static func consumerError(_ message: UnsafePointer<rd_kafka_message_t>) -> String {
        let record = message.pointee
        guard let payload = record.payload, record.len > 0 else { return KafkaErrorCode(record.err).explanation }
        let bytes = UnsafeRawBufferPointer(start: payload, count: record.len)
        return String(decoding: bytes.prefix { $0 != 0 }, as: UTF8.self)
    }

    /// A NUL-terminated C string, with invalid UTF-8 repaired; nil pointers become `fallback`.
    static func string(_ pointer: UnsafePointer<CChar>?, fallback: String = "") -> String {
        guard let pointer else { return fallback }
        return String(decoding: UnsafeRawBufferPointer(start: pointer, count: strlen(pointer)), as: UTF8.self)
    }
}

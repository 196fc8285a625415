import CRdKafka

/// One Kafka record header. Names may repeat; a header may have no value (null), and values are raw bytes, since
/// Kafka does not promise UTF-8 anywhere in a header.
public struct KafkaHeader: Hashable, Sendable {
    /// The header name (invalid UTF-8 from the wire is repaired with U+FFFD rather than refused).
    public var name: String
    /// The value bytes, or nil for a null header.
    public var value: [UInt8]?

    /// A header with raw bytes (nil = null header).
    public init(name: String, value: [UInt8]?) {
        self.name = name
        self.value = value
    }

    /// A header with a UTF-8 text value.
    public init(name: String, text: String) {
        self.init(name: name, value: Array(text.utf8))
    }

    /// The value as UTF-8 text, or nil when it is null or not valid UTF-8.
    public var text: String? {
        guard let value else { return nil }
        return String(validating: value, as: UTF8.self)
    }

    /// A new `rd_kafka_headers_t` holding `headers`, or nil when there are none; the caller owns it until librdkafka
    /// takes it over with a successful produce.
    static func makeNative(_ headers: [KafkaHeader]) -> OpaquePointer? {
        guard !headers.isEmpty, let native = rd_kafka_headers_new(headers.count) else { return nil }
        for header in headers {
            if let value = header.value {
                value.withUnsafeBytes { bytes in
                    _ = rd_kafka_header_add(native, header.name, -1, bytes.baseAddress, bytes.count)
                }
            } else {
                _ = rd_kafka_header_add(native, header.name, -1, nil, 0)
            }
        }
        return native
    }

    /// The headers of a received message, in wire order (none when it has no headers).
    static func decode(_ message: UnsafeMutablePointer<rd_kafka_message_t>) -> [KafkaHeader] {
        var native: OpaquePointer?
        guard rd_kafka_message_headers(message, &native) == RD_KAFKA_RESP_ERR_NO_ERROR, let native else { return [] }
        var headers: [KafkaHeader] = []
        var index = 0
        while true {
            var name: UnsafePointer<CChar>?
            var value: UnsafeRawPointer?
            var size = 0
            guard rd_kafka_header_get_all(native, index, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR else {
                break
            }
            let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: size)) }
            headers.append(KafkaHeader(name: CString.string(name), value: bytes))
            index += 1
        }
        return headers  // owned by the message: destroyed with it
    }
}

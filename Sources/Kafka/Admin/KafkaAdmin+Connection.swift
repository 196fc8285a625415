import CRdKafka

extension KafkaAdmin {
    /// Codes of client errors that no retry can fix: librdkafka keeps reconnecting after them forever, so a caller
    /// that waited for the cluster would wait until its timeout and then report only that it timed out.
    public static let connectionConfigurationErrors: Set<KafkaErrorCode> = [.ssl, .authentication]

    /// Waits until a broker answers a metadata request, for at most `timeout`.
    ///
    /// librdkafka never gives up on a broker it cannot reach: with an untrusted CA, a TLS client on a plaintext port or
    /// a wrong SASL password it reconnects forever and a metadata request merely times out. This call serves the
    /// client's error callback while it waits, fails at once with the client's own error when it is one of
    /// ``connectionConfigurationErrors`` (its reason names the cause, e.g. `certificate verify failed`), and on timeout
    /// reports the last client error seen instead of a bare "timed out".
    /// - Throws: ``KafkaError`` with code ``KafkaErrorCode/ssl`` or ``KafkaErrorCode/authentication`` at once, or
    ///   with the last error's code (``KafkaErrorCode/timedOut`` when there was none) after `timeout`.
    public func checkConnection(timeout: Duration = .seconds(30)) async throws(KafkaError) {
        let handle = handle
        let context = context
        let operation = "connect to the Kafka cluster"
        try await BlockingCall.run("kafka-admin-connect") { () throws(KafkaError) in
            let deadline = ContinuousClock.now.advanced(by: timeout)
            context.lastClientError.withLock { $0 = nil }
            while true {
                let wait = min(KafkaConfiguration.millisecondCount(deadline - ContinuousClock.now), 500)
                var metadata: UnsafePointer<rd_kafka_metadata>?
                let code = rd_kafka_metadata(handle.pointer, 0, nil, &metadata, max(wait, 1))
                if let metadata { rd_kafka_metadata_destroy(metadata) }
                if code == RD_KAFKA_RESP_ERR_NO_ERROR { return }
                rd_kafka_poll(handle.pointer, 0)  // runs the error callback, which records lastClientError
                let seen = context.lastClientError.withLock { $0 }
                if let seen, KafkaAdmin.connectionConfigurationErrors.contains(seen.code) {
                    throw KafkaError(code: seen.code, reason: seen.reason, operation: operation, isRetriable: false)
                }
                if ContinuousClock.now >= deadline {
                    throw KafkaError(
                        code: seen?.code ?? .timedOut,
                        reason: "no broker answered within \(timeout)" + (seen.map { "; last error: \($0.reason)" } ?? ""),
                        operation: operation, isRetriable: true)
                }
            }
        }
    }
}

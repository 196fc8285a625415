import Kafka
import Testing

@Suite("KafkaError and librdkafka version")
struct KafkaErrorTests {
    @Test("codes carry librdkafka's names")
    func names() {
        #expect(KafkaErrorCode.queueFull.name == "_QUEUE_FULL")
        #expect(KafkaErrorCode.queueFull.rawValue == -184)
        #expect(KafkaErrorCode.topicAlreadyExists.name == "TOPIC_ALREADY_EXISTS")
        #expect(KafkaErrorCode(rawValue: 29) == .topicAuthorizationFailed)
        #expect(KafkaErrorCode.fatal.description == "_FATAL(-150)")
    }

    @Test("flags default from the code and can be overridden")
    func flags() {
        #expect(KafkaError(code: .notEnoughReplicas, operation: "send").isRetriable)
        #expect(!KafkaError(code: .topicAuthorizationFailed, operation: "send").isRetriable)
        #expect(KafkaError(code: .fatal, operation: "send").isFatal)
        #expect(KafkaError(code: .producerFenced, operation: "commit").isFatal)
        let abortable = KafkaError(code: .invalidState, operation: "commit transaction", txnRequiresAbort: true)
        #expect(abortable.txnRequiresAbort && !abortable.isFatal)
    }

    @Test("the description names the operation, code, reason and flags")
    func description() {
        let error = KafkaError(code: .queueFull, reason: "full", operation: "enqueue message")
        #expect(error.description == "enqueue message failed: _QUEUE_FULL (-184): full [retriable]")
        #expect(KafkaError(code: .timedOut, operation: "flush").reason == KafkaErrorCode.timedOut.explanation)
    }

    @Test("versions print and order like releases")
    func versions() {
        #expect(LibrdkafkaVersion(packed: 0x0200_02ff).description == "2.0.2")
        #expect(LibrdkafkaVersion(packed: 0x0200_02ff) < LibrdkafkaVersion.minimum)
        #expect(LibrdkafkaVersion.headers >= LibrdkafkaVersion.minimum)
    }

    @Test("the loaded library passes the runtime check; Debian's 2.0.2 is refused with a fix")
    func runtimeCheck() throws {
        try LibrdkafkaVersion.requireRuntime()
        let error = #expect(throws: UnsupportedLibrdkafkaError.self) {
            try LibrdkafkaVersion.requireRuntime(loaded: LibrdkafkaVersion(packed: 0x0200_02ff))
        }
        #expect(error?.description.contains("librdkafka 2.0.2 was loaded") == true)
        #expect(error?.description.contains("scripts/setup") == true)
    }
}

import Kafka
import Testing

@Suite("KafkaConfiguration")
struct KafkaConfigurationTests {
    @Test("producer defaults turn idempotence on with acks=all")
    func producerDefaults() {
        let configuration = KafkaConfiguration.producer(bootstrapServers: "127.0.0.1:9092")
        #expect(configuration.enableIdempotence == true)
        #expect(configuration["acks"] == "all")
        #expect(configuration.bootstrapServers == "127.0.0.1:9092")
    }

    @Test("consumer defaults store offsets explicitly and use cooperative-sticky assignment")
    func consumerDefaults() {
        let configuration = KafkaConfiguration.consumer(bootstrapServers: "b:1", groupID: "g")
        #expect(configuration["enable.auto.offset.store"] == "false")
        #expect(configuration["partition.assignment.strategy"] == "cooperative-sticky")
        #expect(configuration.groupID == "g")
    }

    @Test("typed durations read and write whole milliseconds")
    func durations() {
        var configuration = KafkaConfiguration()
        configuration.sessionTimeout = .seconds(6)
        configuration.linger = .milliseconds(2.5)
        configuration.messageTimeout = nil
        #expect(configuration["session.timeout.ms"] == "6000")
        #expect(configuration["linger.ms"] == "2")
        #expect(configuration.sessionTimeout == .seconds(6))
        #expect(configuration.messageTimeout == nil)
    }

    @Test("booleans and isolation level map to librdkafka strings")
    func booleans() {
        var configuration = KafkaConfiguration()
        configuration.readCommitted = true
        configuration.enableIdempotence = false
        #expect(configuration["isolation.level"] == "read_committed")
        #expect(configuration["enable.idempotence"] == "false")
        configuration.readCommitted = false
        #expect(configuration["isolation.level"] == "read_uncommitted")
    }

    @Test("merging lets later values win and passes unknown names through")
    func merging() {
        let base = KafkaConfiguration(["linger.ms": "5", "acks": "1"])
        let merged = base.merging(["acks": "all", "socket.keepalive.enable": "true"])
        #expect(merged.properties == ["linger.ms": "5", "acks": "all", "socket.keepalive.enable": "true"])
    }

    @Test("a property librdkafka rejects names itself and the value in the error")
    func rejectedProperty() throws {
        let error = #expect(throws: KafkaError.self) {
            _ = try KafkaProducer(configuration: KafkaConfiguration(["no.such.property": "x"]))
        }
        #expect(error?.code == .invalidArgument)
        #expect(error?.reason.contains("no.such.property") == true)
        #expect(error?.reason.contains("\"x\"") == true)
    }

    @Test("a consumer refuses automatic offset store and a missing group.id")
    func consumerRefusals() {
        let autoStore = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: KafkaConfiguration.consumer(bootstrapServers: "b:1", groupID: "g")
                .merging(["enable.auto.offset.store": "true"]))
        }
        #expect(autoStore?.reason.contains("enable.auto.offset.store") == true)
        let noGroup = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: KafkaConfiguration(["bootstrap.servers": "b:1"]))
        }
        #expect(noGroup?.reason.contains("group.id") == true)
        let badBatch = #expect(throws: KafkaError.self) {
            _ = try KafkaConsumer(configuration: .consumer(bootstrapServers: "b:1", groupID: "g"), batchSize: 0)
        }
        #expect(badBatch?.reason.contains("batchSize 0") == true)
    }
}

import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// DescribeConfigs, partition counts of several topics and CreatePartitions against Tansu.
///
/// librdkafka's mock cluster answers neither DescribeConfigs nor CreatePartitions (its requests time out), so Tansu
/// is the only broker here for them. Tansu 0.6 reports only the configs set on a topic, and refuses CreatePartitions
/// as unsupported: that refusal is what the test checks, since no broker here can grow a topic.
@Suite("Topic configs and partitions against Tansu")
struct TansuTopicConfigTests {
    @Test("the configs set at creation are described back; partition counts of several topics come from one request")
    func describeConfigs() async throws {
        try await withEmbeddedBroker { broker in
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
            let ledger = KafkaTopicSpecification(
                name: UniqueName.make("ledger"), partitions: 3,
                configs: ["cleanup.policy": "compact", "segment.ms": "3600000", "min.cleanable.dirty.ratio": "0.1"])
            let jobs = KafkaTopicSpecification(name: UniqueName.make("jobs"), partitions: 2, configs: ["retention.ms": "86400000"])
            _ = try await admin.createTopics([ledger, jobs])
            let configs = try await admin.topicConfigs(of: [ledger.name, jobs.name])
            let ledgerConfigs = try configs[ledger.name]?.get()
            #expect(ledgerConfigs?["cleanup.policy"] == "compact")
            #expect(ledgerConfigs?["segment.ms"] == "3600000")
            #expect(ledgerConfigs?["min.cleanable.dirty.ratio"] == "0.1")
            #expect(try configs[jobs.name]?.get()["retention.ms"] == "86400000")
            let missing = UniqueName.make("missing")
            #expect(try await admin.partitionCounts(of: [ledger.name, jobs.name, missing]) == [ledger.name: 3, jobs.name: 2],
                    "a missing topic is absent from the answer, not created")
            #expect(try await admin.partitionCounts(of: [missing]).isEmpty)
        }
    }

    @Test("a broker without CreatePartitions is reported as such, with its reason, instead of hanging")
    func createPartitionsUnsupported() async throws {
        try await withEmbeddedBroker { broker in
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
            let topic = KafkaTopicSpecification(name: UniqueName.make("grow"), partitions: 2)
            _ = try await admin.createTopic(topic)
            let error = await #expect(throws: KafkaError.self) {
                _ = try await admin.createPartitions([topic.name: 4], timeout: .seconds(10))
            }
            #expect(error?.code == .unsupportedFeature)
            #expect(error?.reason.contains("CreatePartitions") == true)
            #expect(try await admin.partitionCount(of: topic.name) == 2)
        }
    }
}

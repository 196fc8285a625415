import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// Topic administration and group-less partition reads against Tansu.
@Suite("Admin and partition reader against Tansu")
struct TansuAdminAndReaderTests {
    @Test("topics are created with their configs, an existing one is reported as such, partition counts are read")
    func createTopics() async throws {
        try await withEmbeddedBroker { broker in
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
            let ledger = KafkaTopicSpecification(
                name: UniqueName.make("ledger"), partitions: 3, replicationFactor: 1, configs: ["cleanup.policy": "compact"])
            let jobs = KafkaTopicSpecification(name: UniqueName.make("jobs"), partitions: 2)
            #expect(try await admin.createTopics([ledger, jobs]) == [ledger.name: .created, jobs.name: .created])
            #expect(try await admin.createTopic(ledger) == .alreadyExists)
            #expect(try await admin.partitionCount(of: ledger.name) == 3)
            #expect(try await admin.partitionCount(of: jobs.name) == 2)
            let missing = await #expect(throws: KafkaError.self) {
                _ = try await admin.partitionCount(of: UniqueName.make("missing"))
            }
            #expect(missing?.code == .unknownTopicOrPartition)
            #expect(try await admin.brokerIDs().count == 1)
        }
    }

    @Test("every embedded broker reports a cluster id of its own, so start-up never mistakes another broker for it")
    func clusterIDs() async throws {
        try await withEmbeddedBroker { first in
            try await withEmbeddedBroker { second in
                #expect(first.clusterID != second.clusterID)
                for broker in [first, second] {
                    let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
                    #expect(try await admin.clusterID() == broker.clusterID)
                }
            }
        }
    }

    @Test("a partition is read to its end from any offset, batched writes included; an empty one ends at once")
    func readToEnd() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("ledger")
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
            _ = try await admin.createTopic(KafkaTopicSpecification(name: topic, partitions: 2))
            let producer = try KafkaProducer(configuration: broker.producerConfiguration())
            for index in 0..<3 {
                _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: "single", value: "\(index)"))
            }
            let reader = try KafkaPartitionReader(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
            #expect(try await reader.queryWatermarks(topic: topic, partition: 0) == KafkaWatermarks(low: 0, high: 3))
            let batch = (3..<20).map { KafkaProducerMessage(topic: topic, partition: 0, key: "batch", value: "\($0)") }
            #expect(await producer.sendAll(batch).allSatisfy { (try? $0.get()) != nil })
            await producer.close()

            var values: [String] = []
            let end = try await reader.read(topic: topic, partition: 0, from: 5, batchSize: 4) { records in
                #expect(records.count <= 4)
                values += records.compactMap(\.valueText)
            }
            #expect(end == 20)
            #expect(values == (5..<20).map(String.init))
            var fromStart = 0
            #expect(try await reader.read(topic: topic, partition: 0, from: KafkaOffset.beginning) { fromStart += $0.count } == 20)
            #expect(fromStart == 20)
            var emptyCount = 0
            #expect(try await reader.read(topic: topic, partition: 1, from: 0) { emptyCount += $0.count } == 0)
            #expect(emptyCount == 0)
        }
    }
}

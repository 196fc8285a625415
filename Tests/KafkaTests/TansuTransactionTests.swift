import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// Transactions against Tansu: what a `read_committed` consumer sees.
@Suite("Transactions against Tansu")
struct TansuTransactionTests {
    @Test("a committed transaction is visible to a read_committed consumer; open and aborted ones are not")
    func commitAndAbort() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("txn")
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
            _ = try await admin.createTopic(KafkaTopicSpecification(name: topic, partitions: 1))
            var configuration = broker.producerConfiguration()
            configuration.transactionalID = UniqueName.make("tx")
            let producer = try KafkaProducer(configuration: configuration)
            try await producer.initTransactions()

            try producer.beginTransaction()
            for index in 0..<3 {
                _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "committed-\(index)"))
            }
            try await producer.commitTransaction()

            try producer.beginTransaction()
            _ = await producer.sendAll((0..<3).map { KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "aborted-\($0)") })
            let reader = try KafkaPartitionReader(
                configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers, "isolation.level": "read_committed"]))
            var visibleWhileOpen: [String] = []
            _ = try await reader.read(topic: topic, partition: 0, from: 0) { visibleWhileOpen += $0.compactMap(\.valueText) }
            #expect(visibleWhileOpen == ["committed-0", "committed-1", "committed-2"])
            try await producer.abortTransaction()

            try producer.beginTransaction()
            _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "last"))
            try await producer.commitTransaction()
            await producer.close()

            var consumerConfiguration = broker.consumerConfiguration(groupID: UniqueName.make("g"))
            consumerConfiguration.readCommitted = true
            let consumer = try KafkaConsumer(configuration: consumerConfiguration)
            try consumer.subscribe(topics: [topic])
            let collector = MessageCollector(consumer)
            var seen: [String] = []
            while seen.last != "last" && seen.count < 8 {
                seen += try await collector.take(1).compactMap(\.valueText)
            }
            #expect(seen.filter { !$0.hasPrefix("aborted") } == ["committed-0", "committed-1", "committed-2", "last"])
            withKnownIssue("Tansu 0.6 leaves aborted transactions out of Fetch responses, so librdkafka cannot drop them") {
                #expect(!seen.contains { $0.hasPrefix("aborted") })
            }
            await consumer.close()
        }
    }

    @Test("consumer offsets sent to a transaction are committed with it")
    func offsetsInTransaction() async throws {
        try await withEmbeddedBroker { broker in
            let input = UniqueName.make("in")
            let output = UniqueName.make("out")
            let group = UniqueName.make("g")
            let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
            _ = try await admin.createTopics([
                KafkaTopicSpecification(name: input, partitions: 1), KafkaTopicSpecification(name: output, partitions: 1),
            ])
            let plain = try KafkaProducer(configuration: broker.producerConfiguration())
            _ = try await plain.send(KafkaProducerMessage(topic: input, partition: 0, key: "job", value: "work"))
            await plain.close()

            let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: group))
            try consumer.subscribe(topics: [input])
            let job = try #require(try await MessageCollector(consumer).take(1).first)
            var configuration = broker.producerConfiguration()
            configuration.transactionalID = UniqueName.make("tx")
            let producer = try KafkaProducer(configuration: configuration)
            try await producer.initTransactions()
            try producer.beginTransaction()
            _ = try await producer.send(KafkaProducerMessage(topic: output, partition: 0, key: "job", value: "result"))
            try await producer.sendOffsetsToTransaction(
                [job.topicPartition: job.offset + 1], groupMetadata: try consumer.groupMetadata())
            try await producer.commitTransaction()
            await producer.close()
            let committed = try await consumer.committedOffsets(for: [job.topicPartition])
            #expect(committed[job.topicPartition] == job.offset + 1)
            await consumer.close()
        }
    }
}

import Foundation
import Kafka
import KafkaDevelopment
import Testing

/// The mock cluster as a broker for real clients: topics it made, a producer, and a consumer group over its sockets.
@Suite("MockKafkaCluster")
struct MockKafkaClusterTests {
    @Test("serves produce and a group consumer on 127.0.0.1; refuses a topic without partitions", .timeLimit(.minutes(1)))
    func servesProduceAndAGroup() async throws {
        let cluster = try MockKafkaCluster()
        #expect(cluster.bootstrapServers.hasPrefix("127.0.0.1:"))
        try cluster.createTopic("mock.jobs", partitions: 2)
        #expect(throws: KafkaError.self) { try cluster.createTopic("mock.none", partitions: 0) }
        let producer = try KafkaProducer(configuration: .producer(bootstrapServers: cluster.bootstrapServers))
        let outcomes = await producer.sendAll((0..<10).map {
            KafkaProducerMessage(topic: "mock.jobs", partition: Int32($0 % 2), key: "k\($0)", value: "v\($0)")
        })
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        await producer.close()
        let consumer = try KafkaConsumer(configuration: KafkaConfiguration.consumer(
            bootstrapServers: cluster.bootstrapServers, groupID: "mock-group"
        ).merging(["auto.offset.reset": "earliest", "session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]))
        try consumer.subscribe(topics: ["mock.jobs"])
        var values: Set<String> = []
        for try await message in consumer.messages {
            values.insert(message.valueText ?? "")
            if values.count == 10 { break }
        }
        #expect(values == Set((0..<10).map { "v\($0)" }))
        #expect(consumer.assignment.count == 2)
        await consumer.close()
    }
}

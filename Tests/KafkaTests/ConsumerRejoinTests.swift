@testable import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// `KafkaConsumer.rejoin()` against librdkafka's mock cluster (its group coordinator follows Apache Kafka's rules;
/// Tansu 0.6's does not keep a departed leader apart from the members, see docs/RELIABILITY.md).
@Suite("Consumer rejoin")
struct ConsumerRejoinTests {
    @Test("rejoin leaves the group and joins it again: the partitions are revoked, then assigned again", .timeLimit(.minutes(3)))
    func rejoinRevokesAndReassigns() async throws {
        let cluster = try MockKafkaCluster()
        let topic = UniqueName.make("rejoin")
        try cluster.createTopic(topic, partitions: 2)
        let recorder = RebalanceRecorder()
        let consumer = try KafkaConsumer(configuration: KafkaConfiguration.consumer(
            bootstrapServers: cluster.bootstrapServers, groupID: UniqueName.make("g")
        ).merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "500"]))
        #expect(throws: KafkaError.self, "no subscription to rejoin yet") { try consumer.rejoin() }
        try consumer.subscribe(topics: [topic], onRebalance: recorder.handler())
        let messages = Task { for try await _ in consumer.messages {} }  // someone iterates, as a worker does
        defer { messages.cancel() }
        try await recorder.waitUntil("both partitions assigned", within: .seconds(120)) { $0.count == 2 }
        #expect(consumer.memberID != nil)
        try consumer.rejoin()
        try await recorder.waitUntil("both partitions revoked", within: .seconds(120)) { $0.isEmpty }
        try await recorder.waitUntil("both partitions assigned again", within: .seconds(120)) { $0.count == 2 }
        #expect(consumer.memberID != nil, "a member again")
        let revocations = recorder.events.filter { if case .revoked(let partitions, _) = $0 { !partitions.isEmpty } else { false } }
        #expect(revocations.count == 1)
        await consumer.close()
    }
}

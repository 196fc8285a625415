import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// Group-less reading of whole topics against Tansu: to the end, following, from the end.
@Suite("Topic tail against Tansu")
struct KafkaTopicTailTests {
    @Test("every partition is read to its end; following delivers later records; .end skips what was there")
    func readAndFollow() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("tail")
            let configuration = KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers])
            _ = try await KafkaAdmin(configuration: configuration).createTopic(KafkaTopicSpecification(name: topic, partitions: 3))
            let producer = try KafkaProducer(configuration: broker.producerConfiguration())
            let first = (0..<12).map { KafkaProducerMessage(topic: topic, partition: Int32($0 % 3), key: "k\($0)", value: "v\($0)") }
            #expect(await producer.sendAll(first).allSatisfy { (try? $0.get()) != nil })

            var seen: [String] = []
            for try await record in KafkaTopicTail(configuration: configuration, topic: topic).records() {
                seen += record.valueText.map { [$0] } ?? []
            }
            #expect(Set(seen) == Set((0..<12).map { "v\($0)" }))
            #expect(seen.count == 12)

            async let followed = withTimeout(.seconds(30), "the 12 records and a late one (follow)") {
                var values: [String] = []
                for try await record in KafkaTopicTail(configuration: configuration, topic: topic, follow: true).records() {
                    values.append(record.valueText ?? "")
                    if values.filter({ $0.hasPrefix("v") }).count == 12, values.contains(where: { $0.hasPrefix("late-") }) {
                        break
                    }
                }
                return values
            }
            async let fromEnd = withTimeout(.seconds(30), "a late record (from the end)") {
                for try await record in KafkaTopicTail(configuration: configuration, topic: topic, start: .end, follow: true).records() {
                    return record.valueText
                }
                return nil
            }
            // Late records keep coming until the .end reader has seen one: it may start after the first of them.
            let lateWriter = Task {
                for index in 0... {
                    _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 1, key: "late", value: "late-\(index)"))
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            let firstFromEnd = try await fromEnd
            let allFollowed = try await followed
            lateWriter.cancel()
            #expect(firstFromEnd?.hasPrefix("late-") == true)
            #expect(allFollowed.filter { $0.hasPrefix("v") }.count == 12)
            #expect(Set(allFollowed.filter { $0.hasPrefix("v") }).count == 12, "no record twice")
            await producer.close()
        }
    }

    @Test("a topic that does not exist ends the sequence with unknownTopicOrPartition")
    func missingTopic() async throws {
        try await withEmbeddedBroker { broker in
            let tail = KafkaTopicTail(
                configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]), topic: UniqueName.make("missing"))
            let error = await #expect(throws: KafkaError.self) {
                for try await _ in tail.records() {}
            }
            #expect(error?.code == .unknownTopicOrPartition)
        }
    }
}

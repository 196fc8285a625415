import Kafka
import Testing

@Suite("Message values")
struct KafkaMessageValueTests {
    @Test("tombstones, missing keys and non-UTF-8 bytes are plain values")
    func oddRecords() {
        let message = KafkaConsumerMessage(
            topic: "t", partition: 2, offset: 7, key: nil, value: nil,
            headers: [KafkaHeader(name: "null", value: nil), KafkaHeader(name: "bin", value: [0xff, 0xfe])])
        #expect(message.isTombstone)
        #expect(message.keyText == nil)
        #expect(message.valueText == nil)
        #expect(message.header("null")?.value == nil)
        #expect(message.header("bin")?.text == nil)
        #expect(message.header("missing") == nil)
        #expect(message.topicPartition == KafkaTopicPartition(topic: "t", partition: 2))
    }

    @Test("text conveniences round-trip UTF-8")
    func text() {
        let produced = KafkaProducerMessage(topic: "t", partition: 1, key: "job-1", value: "{}", headers: [
            KafkaHeader(name: "type", text: "avatar"),
        ])
        #expect(produced.key == Array("job-1".utf8))
        #expect(produced.headers.first?.text == "avatar")
        let tombstone = KafkaProducerMessage(topic: "t", key: "job-1", value: nil)
        #expect(tombstone.value == nil && tombstone.partition == nil)
    }

    @Test("partitions order by topic then number and print as topic[n]")
    func partitions() {
        let partitions = [
            KafkaTopicPartition(topic: "b", partition: 0), KafkaTopicPartition(topic: "a", partition: 2),
            KafkaTopicPartition(topic: "a", partition: 1),
        ]
        #expect(partitions.sorted().map(\.description) == ["a[1]", "a[2]", "b[0]"])
        #expect(KafkaAssignedPartition(topicPartition: partitions[0], epoch: 3).description == "b[0]#3")
    }
}

import Kafka
import Testing
import TestSupport

/// Producer behaviour under injected faults, against librdkafka's in-process mock cluster.
@Suite("Producer against the mock cluster")
struct MockClusterProducerTests {
    /// Every record of `topic[partition]`, read with a group-less reader.
    private func readAll(_ mock: MockCluster, topic: String, partition: Int32 = 0) async throws -> [KafkaConsumerMessage] {
        let reader = try KafkaPartitionReader(configuration: KafkaConfiguration(["bootstrap.servers": mock.bootstrapServers]))
        var records: [KafkaConsumerMessage] = []
        _ = try await reader.read(topic: topic, partition: partition, from: KafkaOffset.beginning) { records += $0 }
        return records
    }

    @Test("retriable produce errors are retried and the message is written once")
    func retriableErrors() async throws {
        let mock = try MockCluster()
        let topic = UniqueName.make("retry")
        try mock.createTopic(topic)
        let producer = try KafkaProducer(configuration: mock.producerConfiguration())
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: "warm-up", value: "0"))
        mock.startRequestTracking()
        mock.failNextProduceRequests(with: [.notEnoughReplicas, .notEnoughReplicas, .notLeaderForPartition])
        let report = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: "k", value: "once"))
        #expect(report.offset == 1)
        #expect(mock.produceRequestCount() >= 4)
        await producer.close()
        let records = try await readAll(mock, topic: topic)
        #expect(records.compactMap(\.valueText) == ["0", "once"])
    }

    @Test("a non-retriable produce error reaches the caller as a typed error")
    func nonRetriableError() async throws {
        let mock = try MockCluster()
        let topic = UniqueName.make("denied")
        try mock.createTopic(topic)
        let producer = try KafkaProducer(configuration: mock.producerConfiguration())
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "warm-up"))
        mock.failNextProduceRequests(with: [.topicAuthorizationFailed])
        let error = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "denied"))
        }
        #expect(error?.code == .topicAuthorizationFailed)
        #expect(error?.isRetriable == false)
        #expect(error?.operation == "deliver to \(topic)[0]")
        // The broker's error, described; never the message's own bytes (librdkafka's message errstr returns those).
        #expect(error?.reason.contains("denied") == false, "\(String(describing: error?.reason))")
        #expect(error?.reason.localizedCaseInsensitiveContains("authoriz") == true, "\(String(describing: error?.reason))")
        await producer.close()
    }

    @Test("messages sent while the broker is down are delivered once it is back, none lost")
    func brokerDownAndBack() async throws {
        let mock = try MockCluster()
        let topic = UniqueName.make("outage")
        try mock.createTopic(topic)
        // A produce request that reaches the mock broker while it is down is never answered, and whether the batch
        // gets there before or after the outage starts depends on scheduling. A short request timeout lets the
        // idempotent producer retry such a request (same sequence numbers, so no duplicate) well within the
        // message timeout, instead of losing every message at once when both 30 s defaults run out together. The
        // generous message timeout only bounds a hang: the whole suite runs this test beside far heavier ones.
        let producer = try KafkaProducer(configuration: mock.producerConfiguration().merging([
            "message.timeout.ms": "120000", "request.timeout.ms": "2000",
        ]))
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "before"))
        mock.setBroker(1, up: false)
        let messages = (0..<50).map { KafkaProducerMessage(topic: topic, partition: 0, key: "k\($0)", value: "v\($0)") }
        let pending = Task { await producer.sendAll(messages) }
        // The outage itself: keep the broker down while the messages wait in the client's queue.
        try await Task.sleep(for: .milliseconds(500))
        mock.setBroker(1, up: true)
        let outcomes = await pending.value
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        await producer.close()
        let values = try await readAll(mock, topic: topic).compactMap(\.valueText)
        #expect(values.filter { $0.hasPrefix("v") }.sorted() == (0..<50).map { "v\($0)" }.sorted())
        #expect(values.count == 51)
    }

    @Test("a full local queue is back-pressure: every message is still delivered")
    func queueFullIsBackpressure() async throws {
        let mock = try MockCluster()
        let topic = UniqueName.make("pressure")
        try mock.createTopic(topic, partitions: 2)
        let producer = try KafkaProducer(
            configuration: mock.producerConfiguration().merging(["queue.buffering.max.messages": "3"]))
        let bulk = (0..<300).map { KafkaProducerMessage(topic: topic, partition: Int32($0 % 2), key: nil, value: "\($0)") }
        let outcomes = await producer.sendAll(bulk)
        #expect(outcomes.count == 300)
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        let reports = try await withThrowingTaskGroup(of: KafkaDeliveryReport.self) { group in
            for index in 0..<40 {
                group.addTask { try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "s\(index)")) }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(reports.map(\.offset)).count == 40)
        await producer.close()
    }

    @Test("close purges what cannot be delivered, so no sender waits forever")
    func closePurges() async throws {
        let mock = try MockCluster()
        let topic = UniqueName.make("purge")
        try mock.createTopic(topic)
        let producer = try KafkaProducer(configuration: mock.producerConfiguration().merging(["message.timeout.ms": "60000"]))
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "warm-up"))
        mock.setBroker(1, up: false)
        let pending = Task { try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "stuck")) }
        while producer.outstandingCount == 0 { await Task.yield() }
        await producer.close(timeout: .milliseconds(200))
        let error = await #expect(throws: KafkaError.self) { _ = try await pending.value }
        #expect(error?.code == .purgedFromQueue || error?.code == .purgedInFlight)
        let late = await #expect(throws: KafkaError.self) {
            _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: "late"))
        }
        #expect(late?.code == .invalidState)
    }

    @Test("one sendAll mixing topics, partitions, keys, headers, tombstones and a bad topic: each record lands as sent")
    func mixedBulk() async throws {
        let mock = try MockCluster()
        let first = UniqueName.make("mixed-a")
        let second = UniqueName.make("mixed-b")
        try mock.createTopic(first, partitions: 2)
        try mock.createTopic(second, partitions: 1)
        let producer = try KafkaProducer(configuration: mock.producerConfiguration())
        // Runs without headers go through librdkafka's batch call, records with headers one by one: interleave them,
        // switch topics, and put more than one run's worth (256) in a row.
        var messages: [KafkaProducerMessage] = []
        for index in 0..<700 {
            let topic = (index / 100) % 2 == 0 ? first : second
            let partition: Int32? = topic == first ? Int32(index % 2) : nil
            let headers = index % 7 == 0 ? [KafkaHeader(name: "index", text: "\(index)")] : []
            let value: [UInt8]? = index % 50 == 0 ? nil : (index % 50 == 1 ? [] : Array("v\(index)".utf8))
            let key: [UInt8]? = index % 3 == 0 ? nil : (index % 3 == 1 ? [] : Array("k\(index)".utf8))
            messages.append(KafkaProducerMessage(topic: topic, partition: partition, key: key, value: value, headers: headers))
        }
        // librdkafka refuses topic names over 512 bytes when it makes the topic handle.
        messages.insert(KafkaProducerMessage(topic: String(repeating: "t", count: 600), partition: 0, key: nil, value: "x"), at: 350)
        let outcomes = await producer.sendAll(messages)
        await producer.close()
        #expect(outcomes.count == 701)
        let refused = #expect(throws: KafkaError.self) { _ = try outcomes[350].get() }
        #expect(refused?.code == .invalidArgument)
        var expected = messages
        expected.remove(at: 350)
        var delivered = outcomes
        delivered.remove(at: 350)
        let reports = delivered.compactMap { try? $0.get() }
        #expect(reports.count == 700)
        for (report, message) in zip(reports, expected) {
            #expect(report.topic == message.topic)
            if let partition = message.partition { #expect(report.partition == partition) }
        }
        var stored: [KafkaTopicPartition: [KafkaConsumerMessage]] = [:]
        for partition: Int32 in 0..<2 { stored[KafkaTopicPartition(topic: first, partition: partition)] = try await readAll(mock, topic: first, partition: partition) }
        stored[KafkaTopicPartition(topic: second, partition: 0)] = try await readAll(mock, topic: second)
        #expect(stored.values.map(\.count).reduce(0, +) == 700)
        for (report, message) in zip(reports, expected) {
            let record = stored[KafkaTopicPartition(topic: report.topic, partition: report.partition)]?.first { $0.offset == report.offset }
            try #require(record != nil)
            #expect(record?.value == message.value)
            #expect(record?.key == message.key)
            #expect(record?.headers == message.headers)
        }
    }

    @Test("tombstones, missing keys, empty values and odd headers survive a round trip")
    func oddRecordsRoundTrip() async throws {
        let mock = try MockCluster()
        let topic = UniqueName.make("odd")
        try mock.createTopic(topic)
        let producer = try KafkaProducer(configuration: mock.producerConfiguration())
        let headers = [
            KafkaHeader(name: "null", value: nil), KafkaHeader(name: "bin", value: [0xff, 0x00, 0xfe]),
            KafkaHeader(name: "dup", text: "1"), KafkaHeader(name: "dup", text: "2"),
        ]
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: [0xc3, 0x28], value: nil, headers: headers))
        _ = try await producer.send(KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: []))
        await producer.close()
        let records = try await readAll(mock, topic: topic)
        try #require(records.count == 2)
        #expect(records[0].isTombstone)
        #expect(records[0].key == [0xc3, 0x28] && records[0].keyText == nil)
        #expect(records[0].headers == headers)
        #expect(records[1].key == nil)
        #expect(records[1].value == [])
        #expect(records[1].headers.isEmpty)
    }
}

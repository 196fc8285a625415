@testable import Kafka
import KafkaDevelopment
import Testing
import TestSupport
import WorkerTestSupport

/// Group consumption against a real Kafka-protocol broker (Tansu).
@Suite("Consumer groups against Tansu")
struct TansuConsumerGroupTests {
    /// Creates `topic` with `partitions` partitions and writes `count` records round-robin over them (key `k<i>`,
    /// value `v<i>`, one header).
    private func seed(_ broker: EmbeddedBroker, topic: String, partitions: Int32, count: Int) async throws {
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": broker.bootstrapServers]))
        #expect(try await admin.createTopic(KafkaTopicSpecification(name: topic, partitions: partitions)) == .created)
        let producer = try KafkaProducer(configuration: broker.producerConfiguration())
        let messages = (0..<count).map {
            KafkaProducerMessage(
                topic: topic, partition: Int32($0) % partitions, key: "k\($0)", value: "v\($0)",
                headers: [KafkaHeader(name: "index", text: "\($0)")])
        }
        let outcomes = await producer.sendAll(messages)
        #expect(outcomes.allSatisfy { (try? $0.get()) != nil })
        await producer.close()
    }

    @Test("produce/consume round trip in a consumer group")
    func roundTrip() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("round-trip")
            try await seed(broker, topic: topic, partitions: 3, count: 30)
            let recorder = RebalanceRecorder()
            let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: UniqueName.make("g")))
            try consumer.subscribe(topics: [topic], onRebalance: recorder.handler())
            let received = try await MessageCollector(consumer).take(30)
            #expect(Set(received.compactMap(\.valueText)) == Set((0..<30).map { "v\($0)" }))
            for message in received {
                #expect(message.keyText == "k" + (message.header("index")?.text ?? "?"))
                #expect(message.epoch == recorder.assignment[message.topicPartition])
                try consumer.storeOffset(for: message)
            }
            try await consumer.commit()
            let committed = try await consumer.committedOffsets(for: (0..<3).map { KafkaTopicPartition(topic: topic, partition: $0) })
            #expect(committed.values.sorted() == [10, 10, 10])
            await consumer.close()
            #expect(recorder.assignment.isEmpty)
        }
    }

    @Test("a member commits offsets of a topic it does not consume (a changelog's checkpoint) and reads them back")
    func commitsOutsideTheAssignment() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("consumed")
            let changelog = UniqueName.make("changelog")
            try await seed(broker, topic: topic, partitions: 1, count: 3)
            try await seed(broker, topic: changelog, partitions: 2, count: 10)
            let group = UniqueName.make("g")
            let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: group))
            try consumer.subscribe(topics: [topic])
            let received = try await MessageCollector(consumer).take(3)
            for message in received { try consumer.storeOffset(for: message) }
            try await consumer.commit()
            let checkpoint = KafkaTopicPartition(topic: changelog, partition: 1)
            try await consumer.commit([checkpoint: 4])
            try await consumer.commit([checkpoint: 2])
            let committed = try await consumer.committedOffsets(for: [KafkaTopicPartition(topic: topic, partition: 0), checkpoint])
            #expect(committed[checkpoint] == 2, "the last commit wins, lower or not")
            #expect(committed[KafkaTopicPartition(topic: topic, partition: 0)] == 3, "the stored offsets are untouched")
            await consumer.close()
            let later = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: group))
            try later.subscribe(topics: [topic])
            #expect(try await later.committedOffsets(for: [checkpoint])[checkpoint] == 2, "kept by the group for the next member")
            await later.close()
        }
    }

    @Test("messageBatches hands out whole fetched batches within batchSize; a second iterator is refused")
    func messageBatches() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("batches")
            try await seed(broker, topic: topic, partitions: 2, count: 500)
            let consumer = try KafkaConsumer(
                configuration: broker.consumerConfiguration(groupID: UniqueName.make("g")), batchSize: 64)
            try consumer.subscribe(topics: [topic])
            let batches = try await withTimeout(.seconds(30), "500 records in batches") {
                var batches: [[KafkaConsumerMessage]] = []
                for try await batch in consumer.messageBatches {
                    batches.append(batch)
                    if batches.joined().count >= 500 { break }
                }
                return batches
            }
            #expect(batches.allSatisfy { (1...64).contains($0.count) })
            let received = Array(batches.joined())
            #expect(received.count == 500)
            #expect(Set(received.compactMap(\.valueText)) == Set((0..<500).map { "v\($0)" }))
            for partition: Int32 in 0..<2 {
                let offsets = received.filter { $0.partition == partition }.map(\.offset)
                #expect(offsets == Array(0..<250))
            }
            #expect(received.allSatisfy { $0.keyText == "k" + ($0.header("index")?.text ?? "?") })

            // While one task waits on the batches, another iterating the messages is refused at once.
            let waiting = Task {
                var first = consumer.messageBatches.makeAsyncIterator()
                return try await first.next()
            }
            try await waitUntil("the first iterator to wait", within: .seconds(10)) {
                consumer.coordinator.state.withLock { $0.waiter != nil }
            }
            var second = consumer.messages.makeAsyncIterator()
            let refused = await #expect(throws: KafkaError.self) { _ = try await second.next() }
            #expect(refused?.code == .invalidState)
            await consumer.close()
            #expect(try await waiting.value == nil)
        }
    }

    @Test("after close, a new consumer gets exactly the records whose offsets were not stored")
    func storedOffsetsHonoured() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("stored")
            let group = UniqueName.make("g")
            try await seed(broker, topic: topic, partitions: 1, count: 10)
            let first = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: group))
            try first.subscribe(topics: [topic])
            let firstBatch = try await MessageCollector(first).take(10)
            for message in firstBatch where message.offset < 6 { try first.storeOffset(for: message) }
            await first.close()

            let second = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: group))
            try second.subscribe(topics: [topic])
            let redelivered = try await MessageCollector(second).take(4)
            #expect(redelivered.map(\.offset) == [6, 7, 8, 9])
            await second.close()
        }
    }

    @Test("two consumers split the partitions; when one leaves the other takes them back under new epochs")
    func rebalanceMovesPartitions() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("split")
            let group = UniqueName.make("g")
            // Neither consumer's messages are ever pulled, for longer than max.poll.interval.ms: the consumers must
            // keep polling with their partitions paused, or they would drop out of the group and the waits below fail.
            let configuration = broker.consumerConfiguration(groupID: group).merging(["max.poll.interval.ms": "6000"])
            try await seed(broker, topic: topic, partitions: 4, count: 8)
            let all = Set((0..<4).map { KafkaTopicPartition(topic: topic, partition: $0) })
            let recorderA = RebalanceRecorder()
            let recorderB = RebalanceRecorder()
            let consumerA = try KafkaConsumer(configuration: configuration, backpressureDelay: .milliseconds(200))
            try consumerA.subscribe(topics: [topic], onRebalance: recorderA.handler())
            try await recorderA.waitUntil("A owns all partitions") { Set($0.keys) == all }
            let epochsBefore = recorderA.assignment

            let consumerB = try KafkaConsumer(configuration: configuration, backpressureDelay: .milliseconds(200))
            try consumerB.subscribe(topics: [topic], onRebalance: recorderB.handler())
            try await recorderB.waitUntil("B owns two partitions") { $0.count == 2 }
            try await recorderA.waitUntil("A gave two up") { $0.count == 2 }
            #expect(Set(recorderA.assignment.keys).isDisjoint(with: recorderB.assignment.keys))
            #expect(Set(recorderA.assignment.keys).union(recorderB.assignment.keys) == all)
            let moved = Set(recorderB.assignment.keys)

            await consumerB.close()
            try await recorderA.waitUntil("A owns all partitions again") { Set($0.keys) == all }
            #expect(!recorderA.events.contains { if case .revoked(_, lost: true) = $0 { true } else { false } })
            for partition in moved {
                #expect(recorderA.assignment[partition]! > epochsBefore[partition]!)
                #expect(consumerA.currentEpoch(of: partition) == recorderA.assignment[partition])
            }
            let stale = KafkaConsumerMessage(
                topic: topic, partition: moved.first!.partition, offset: 0, key: nil, value: nil,
                epoch: epochsBefore[moved.first!]!)
            let error = #expect(throws: KafkaError.self) { try consumerA.storeOffset(for: stale) }
            #expect(error?.code == .invalidState)
            await consumerA.close()
        }
    }

    @Test("a partition paused in the assignment handler delivers nothing until resumed")
    func pauseAndResume() async throws {
        try await withEmbeddedBroker { broker in
            let topic = UniqueName.make("pause")
            try await seed(broker, topic: topic, partitions: 2, count: 10)
            let held = KafkaTopicPartition(topic: topic, partition: 0)
            let consumer = try KafkaConsumer(configuration: broker.consumerConfiguration(groupID: UniqueName.make("g")))
            let pauseOnAssign: KafkaRebalanceHandler = { [weak consumer] event in
                if case .assigned = event { try? consumer?.pause([held]) }
            }
            try consumer.subscribe(topics: [topic], onRebalance: pauseOnAssign)
            let collector = MessageCollector(consumer)
            let unpaused = try await collector.take(5)
            #expect(unpaused.allSatisfy { $0.partition == 1 })
            try consumer.resume([held])
            let resumed = try await collector.take(5)
            #expect(resumed.allSatisfy { $0.partition == 0 })
            #expect(resumed.map(\.offset) == [0, 1, 2, 3, 4])
            await consumer.close()
        }
    }
}

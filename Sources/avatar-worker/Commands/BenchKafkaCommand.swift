import ArgumentParser
import Foundation
import Kafka
import KafkaDevelopment
import Logging

/// `avatar-worker bench kafka`: produce then consume N small messages through the Kafka module and, against the same
/// broker in the same run, through librdkafka's own `rdkafka_performance`, and print both rates and their ratio.
///
/// Both sides use the same message size and count, one partition, and a fresh consumer group reading from the
/// beginning, and the same librdkafka properties (``producerSettings``, ``consumerSettings``), passed to
/// `rdkafka_performance` as `-X` options so that its command line shows them. These include the values
/// `rdkafka_performance` otherwise sets on itself before parsing options (`queue.buffering.max.messages=500000`,
/// `message.send.max.retries=3`, `retry.backoff.ms=500`, `queued.min.messages=1000000`, `session.timeout.ms=6000`):
/// left implicit, they gave the baseline consumer ten times the module's prefetch target. Consumer rates are timed
/// from the first message to the last (group join excluded), as `rdkafka_performance` does.
///
/// The consume figure compared with the target does the baseline's work: `rdkafka_performance` reads each record's
/// value and never asks for headers, so the module's consumer reads `messageBatches` with `decodesHeaders: false`.
/// Beside it the same records are consumed with headers decoded (the default), in batches and one at a time.
struct BenchKafkaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kafka",
        abstract: "Kafka module produce/consume throughput beside rdkafka_performance on the same broker.")

    @Option(help: "Kafka bootstrap servers; default: start an embedded Tansu broker.")
    var brokers: String?

    @Option(help: "Messages to produce and consume.")
    var messages: Int = 1_000_000

    @Option(help: "Payload size in bytes.")
    var size: Int = 100

    @Option(help: "linger.ms for both producers.")
    var lingerMs: Int = 5

    @Option(help: "fetch.queue.backoff.ms for both consumers (librdkafka's 1000 ms default idles a consumer whose queue just filled).")
    var fetchQueueBackoffMs: Int = 10

    @Option(help: "Messages per sendAll batch.")
    var batch: Int = 100_000

    @Option(help: "sendAll batches in flight at once.")
    var inFlight: Int = 2

    @Option(help: "Rounds; the printed figures are the medians.")
    var rounds: Int = 7

    @Option(help: "The module consumer's batchSize (records per hand-over).")
    var consumerBatchSize: Int = 2048

    @Flag(help: "Log the Kafka clients' info messages (assignments, errors) to stderr.")
    var verbose = false

    @Option(help: "Path of rdkafka_performance.")
    var baselineTool: String = "/usr/local/bin/rdkafka_performance"

    func validate() throws {
        guard messages > 0, size > 0, batch > 0, inFlight > 0, rounds > 0, (1...10_000).contains(consumerBatchSize) else {
            throw ValidationError("--messages, --size, --batch, --in-flight and --rounds must be positive, --consumer-batch-size 1...10000")
        }
    }

    func run() async throws {
        var logger = Logger(label: "bench.kafka")
        logger.logLevel = verbose ? .info : .error
        let broker: EmbeddedBroker? = brokers == nil ? try await EmbeddedBroker.start(logger: logger) : nil
        do {
            try await measure(bootstrapServers: brokers ?? broker!.bootstrapServers, brokerPID: broker?.pid, logger: logger)
            await broker?.stop()
        } catch {
            await broker?.stop()
            throw error
        }
    }

    /// One round's four figures (messages per second).
    private struct Round {
        var baselineProduce = 0.0
        var moduleProduce = 0.0
        var baselineConsume = 0.0
        var moduleConsume = 0.0
        var moduleConsumeHeaders = 0.0
        var moduleConsumeEach = 0.0
        /// CPU microseconds per produced message: the producing process, and the broker meanwhile.
        var baselineProduceCPU = 0.0
        var moduleProduceCPU = 0.0
        var brokerCPUForBaseline = 0.0
        var brokerCPUForModule = 0.0
    }

    private func measure(bootstrapServers: String, brokerPID: Int32?, logger: Logger) async throws {
        let brokerCPU = { brokerPID.map(CPUTime.process) ?? 0 }
        let perMessage = { (seconds: Double) in seconds * 1e6 / Double(messages) }
        let runID = UUID().uuidString.prefix(8).lowercased()
        let admin = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": bootstrapServers]), logger: logger)
        print("broker \(bootstrapServers): \(messages) messages of \(size) bytes, 1 partition, consumers in a fresh group")
        print("both producers: " + producerSettings.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        print("both consumers: " + consumerSettings.map { "\($0.0)=\($0.1)" }.joined(separator: " "))
        print("Kafka module: sendAll batches of \(batch), \(inFlight) in flight; consumer batchSize \(consumerBatchSize)")
        print("\(rounds) rounds, each on fresh topics and groups; the side that goes first alternates between rounds")
        let baseline = RdkafkaPerformance(
            tool: baselineTool, bootstrapServers: bootstrapServers, producerSettings: producerSettings,
            consumerSettings: consumerSettings)

        var results: [Round] = []
        for round in 1...rounds {
            let prefix = "bench-\(runID)-\(round)"
            let baselineTopic = "\(prefix)-rdkafka"
            let moduleTopic = "\(prefix)-swift"
            _ = try await admin.createTopics([
                KafkaTopicSpecification(name: baselineTopic, partitions: 1),
                KafkaTopicSpecification(name: moduleTopic, partitions: 1),
            ])
            let baselineFirst = round % 2 == 1
            var result = Round()
            for side in baselineFirst ? [true, false] : [false, true] {
                let broker = brokerCPU()
                if side {
                    let before = CPUTime.waitedChildren()
                    let run = try baseline.produce(topic: baselineTopic, count: messages, size: size)
                    result.baselineProduceCPU = perMessage(CPUTime.waitedChildren() - before)
                    result.brokerCPUForBaseline = perMessage(brokerCPU() - broker)
                    if round == 1 { print("rdkafka_performance produce: \(run.command)") }
                    result.baselineProduce = run.rate
                } else {
                    let before = CPUTime.ownProcess()
                    result.moduleProduce = try await produce(topic: moduleTopic, bootstrapServers: bootstrapServers, logger: logger)
                    result.moduleProduceCPU = perMessage(CPUTime.ownProcess() - before)
                    result.brokerCPUForModule = perMessage(brokerCPU() - broker)
                }
            }
            for side in baselineFirst ? [true, false] : [false, true] {
                if side {
                    let run = try baseline.consume(topic: baselineTopic, group: "\(prefix)-rdkafka", count: messages)
                    if round == 1 { print("rdkafka_performance consume: \(run.command)") }
                    result.baselineConsume = run.rate
                } else {
                    result.moduleConsume = try await consume(
                        topic: moduleTopic, group: "\(prefix)-swift-values", style: .batches, decodesHeaders: false,
                        bootstrapServers: bootstrapServers, logger: logger)
                    result.moduleConsumeHeaders = try await consume(
                        topic: moduleTopic, group: "\(prefix)-swift-batches", style: .batches, decodesHeaders: true,
                        bootstrapServers: bootstrapServers, logger: logger)
                    result.moduleConsumeEach = try await consume(
                        topic: moduleTopic, group: "\(prefix)-swift-messages", style: .perMessage, decodesHeaders: true,
                        bootstrapServers: bootstrapServers, logger: logger)
                }
            }
            print(String(
                format: "round %d: produce %.0f vs %.0f (%.2f), consume %.0f vs %.0f (%.2f); headers decoded: batches %.0f (%.2f), one at a time %.0f (%.2f)",
                round, result.moduleProduce, result.baselineProduce, result.moduleProduce / result.baselineProduce,
                result.moduleConsume, result.baselineConsume, result.moduleConsume / result.baselineConsume,
                result.moduleConsumeHeaders, result.moduleConsumeHeaders / result.baselineConsume,
                result.moduleConsumeEach, result.moduleConsumeEach / result.baselineConsume))
            print(String(
                format: "         produce CPU µs/message: Kafka module %.2f (broker %.2f), rdkafka_performance %.2f (broker %.2f)",
                result.moduleProduceCPU, result.brokerCPUForModule, result.baselineProduceCPU, result.brokerCPUForBaseline))
            results.append(result)
        }

        let baselineConsume = results.map(\.baselineConsume).median
        let moduleConsumeEach = results.map(\.moduleConsumeEach).median
        let moduleConsumeHeaders = results.map(\.moduleConsumeHeaders).median
        print("")
        print("median of \(rounds) rounds".padding(toLength: 21, withPad: " ", startingAt: 0) + "Kafka module    rdkafka_performance    ratio")
        report("produce msgs/s", module: results.map(\.moduleProduce).median, baseline: results.map(\.baselineProduce).median)
        report("consume msgs/s", module: results.map(\.moduleConsume).median, baseline: baselineConsume)
        // A round's two sides run back to back, so a slow spell of this shared machine hits both: the median of the
        // rounds' own ratios is the steadier comparison when rates swing from round to round.
        print(String(
            format: "  median of the rounds' own ratios: produce %.2f, consume %.2f",
            results.map { $0.moduleProduce / $0.baselineProduce }.median,
            results.map { $0.moduleConsume / $0.baselineConsume }.median))
        print(String(
            format: "  produce CPU µs/message: Kafka module %.2f, rdkafka_performance %.2f; the broker meanwhile %.2f and %.2f",
            results.map(\.moduleProduceCPU).median, results.map(\.baselineProduceCPU).median,
            results.map(\.brokerCPUForModule).median, results.map(\.brokerCPUForBaseline).median))
        print("  (consume: messageBatches reading each value, as rdkafka_performance does, with decodesHeaders: false)")
        print(String(format: "  with headers decoded (the default): messageBatches %.0f msgs/s (%.2f), one message at a time %.0f msgs/s (%.2f)",
                     moduleConsumeHeaders, moduleConsumeHeaders / baselineConsume, moduleConsumeEach, moduleConsumeEach / baselineConsume))
    }

    /// The librdkafka producer properties both sides run with.
    private var producerSettings: [(String, String)] {
        [
            ("acks", "all"), ("enable.idempotence", "true"), ("linger.ms", "\(lingerMs)"),
            ("queue.buffering.max.messages", "500000"), ("message.send.max.retries", "3"), ("retry.backoff.ms", "500"),
        ]
    }

    /// The librdkafka consumer properties both sides run with.
    private var consumerSettings: [(String, String)] {
        [
            ("auto.offset.reset", "earliest"), ("session.timeout.ms", "6000"), ("heartbeat.interval.ms", "1000"),
            ("fetch.queue.backoff.ms", "\(fetchQueueBackoffMs)"), ("queued.min.messages", "1000000"),
        ]
    }

    private func report(_ label: String, module: Double, baseline: Double) {
        let ratio = module / baseline
        print(
            label.padding(toLength: 21, withPad: " ", startingAt: 0)
                + String(format: "%12.0f    %19.0f    %5.2f  %@", module, baseline, ratio, ratio >= 0.9 ? "(target >= 0.90 met)" : "(below 0.90 target)"))
    }

    /// Produces `messages` records with bounded bulk sends; returns messages per second until the last report.
    private func produce(topic: String, bootstrapServers: String, logger: Logger) async throws -> Double {
        let configuration = KafkaConfiguration.producer(bootstrapServers: bootstrapServers)
            .merging(Dictionary(uniqueKeysWithValues: producerSettings))
        let producer = try KafkaProducer(configuration: configuration, logger: logger)
        let payload = [UInt8](repeating: 0x61, count: size)
        let template = KafkaProducerMessage(topic: topic, partition: 0, key: nil, value: payload)
        let start = ContinuousClock.now
        let failures = await withTaskGroup(of: Int.self) { group in
            var failures = 0
            var sent = 0
            var running = 0
            while sent < messages {
                if running == inFlight, let failed = await group.next() {
                    failures += failed
                    running -= 1
                }
                let count = min(batch, messages - sent)
                sent += count
                running += 1
                group.addTask {
                    let outcomes = await producer.sendAll(Array(repeating: template, count: count))
                    return outcomes.reduce(0) { failed, outcome in
                        if case .failure = outcome { failed + 1 } else { failed }
                    }
                }
            }
            for await failed in group { failures += failed }
            return failures
        }
        let elapsed = ContinuousClock.now - start
        await producer.close()
        guard failures == 0 else { throw BenchFailure(what: "\(failures) of \(messages) messages were not delivered") }
        return Double(messages) / elapsed.seconds
    }

    /// How the module's consumer hands records to the application.
    enum ConsumeStyle: String {
        /// `for try await message in consumer.messages`.
        case perMessage = "messages"
        /// `for try await batch in consumer.messageBatches`.
        case batches = "messageBatches"
    }

    /// Consumes `messages` records in a fresh group, reading each value's size (as `rdkafka_performance` does);
    /// returns messages per second from the first to the last.
    private func consume(
        topic: String, group: String, style: ConsumeStyle, decodesHeaders: Bool, bootstrapServers: String, logger: Logger
    ) async throws -> Double {
        let configuration = KafkaConfiguration.consumer(bootstrapServers: bootstrapServers, groupID: group)
            .merging(Dictionary(uniqueKeysWithValues: consumerSettings))
        let consumer = try KafkaConsumer(
            configuration: configuration, batchSize: consumerBatchSize, decodesHeaders: decodesHeaders, logger: logger)
        try consumer.subscribe(topics: [topic])
        let target = messages
        var received = 0
        var bytes = 0
        var start = ContinuousClock.now
        switch style {
        case .perMessage:
            for try await message in consumer.messages {
                if received == 0 { start = .now }
                received += 1
                bytes += message.value?.count ?? 0
                if received == target { break }
            }
        case .batches:
            for try await batch in consumer.messageBatches {
                if received == 0 { start = .now }
                received += batch.count
                for message in batch { bytes += message.value?.count ?? 0 }
                if received >= target { break }
            }
        }
        let elapsed = ContinuousClock.now - start
        await consumer.close()
        guard received == target, bytes == target * size else {
            throw BenchFailure(what: "consumed \(received) of \(target) messages, \(bytes) bytes")
        }
        return Double(target) / elapsed.seconds
    }
}

/// A benchmark step did not do what it had to.
struct BenchFailure: Error, CustomStringConvertible {
    let what: String
    var description: String { "benchmark failed: \(what)" }
}

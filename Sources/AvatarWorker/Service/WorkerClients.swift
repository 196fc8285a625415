import CometAPI
import Foundation
import Kafka
import Logging

/// The worker's Kafka and CometAPI clients, made and checked at start-up, closed in order at the end.
struct WorkerClients: Sendable {
    let consumer: KafkaConsumer
    /// Idempotent producer for ledger records (and, in at-least-once mode, results, DLQ entries and tombstones).
    let ledgerProducer: KafkaProducer
    /// The producer of results: `ledgerProducer`, or a transactional one in exactly-once mode.
    let resultProducer: KafkaProducer
    let api: CometAPIClient
    let readerConfiguration: KafkaConfiguration
    let jobsPartitions: Int
    /// The admin client start-up checked the topics with; the partition-count watcher keeps using it.
    let admin: KafkaAdmin

    var eventStreams: [AsyncStream<KafkaClientEvent>] {
        var streams = [consumer.events, ledgerProducer.events]
        if resultProducer !== ledgerProducer { streams.append(resultProducer.events) }
        return streams
    }

    static func make(configuration: WorkerConfiguration, logger: Logger) async throws -> WorkerClients {
        let overrides = configuration.kafka
        let base = KafkaConfiguration(["bootstrap.servers": configuration.brokers, "client.id": configuration.workerID])
        let admin = try KafkaAdmin(configuration: base.merging(overrides), logger: logger)
        do {
            try await admin.checkConnection(timeout: configuration.brokerConnectTimeout)
        } catch {
            throw WorkerStartupError.kafkaUnreachable(brokers: configuration.brokers, error: error)
        }
        let jobsPartitions = try await checkTopics(configuration, admin: admin)
        var consumerConfiguration = KafkaConfiguration.consumer(
            bootstrapServers: configuration.brokers, groupID: configuration.group)
        consumerConfiguration.clientID = configuration.workerID
        // librdkafka notices new partitions only on a metadata refresh (default every 5 minutes); refreshing as often
        // as the partition-count check lets the group assign a grown topic's partitions about as soon as the worker
        // learns of them. `--kafka topic.metadata.refresh.interval.ms=…` overrides it.
        consumerConfiguration["topic.metadata.refresh.interval.ms"] = KafkaConfiguration.milliseconds(configuration.partitionCheckInterval)
        if configuration.exactlyOnce {
            // Offsets are committed by transactions only; nothing may be auto-committed behind their back.
            consumerConfiguration["enable.auto.commit"] = "false"
        }
        let consumer = try KafkaConsumer(configuration: consumerConfiguration.merging(overrides), logger: logger)
        var producerConfiguration = KafkaConfiguration.producer(bootstrapServers: configuration.brokers)
        producerConfiguration.clientID = configuration.workerID
        producerConfiguration["message.max.bytes"] = String(configuration.maxMessageBytes + 1 << 20)
        let ledgerProducer = try KafkaProducer(configuration: producerConfiguration.merging(overrides), logger: logger)
        var resultProducer = ledgerProducer
        if configuration.exactlyOnce {
            var transactional = producerConfiguration
            transactional.transactionalID = "avatar-worker-\(configuration.group)-\(configuration.workerID)"
            resultProducer = try KafkaProducer(configuration: transactional.merging(overrides), logger: logger)
        }
        let apiKey = try configuration.requireAPIKey()
        var apiConfiguration = CometAPIConfiguration(
            apiKey: apiKey, baseURL: configuration.apiBaseURL,
            supportsQueryByExternalTaskID: configuration.queryByExternalTaskID)
        apiConfiguration.requestTimeout = configuration.apiRequestTimeout
        apiConfiguration.maximumConnections = max(16, configuration.pollLimits.maxConcurrentPolls + configuration.maxConcurrentCreates)
        let api: CometAPIClient
        do {
            api = try CometAPIClient(configuration: apiConfiguration, logger: logger)
        } catch {
            throw WorkerStartupError.apiClient(error.description)
        }
        // The restore must never see an aborted transaction's tombstone (exactly-once mode writes tombstones in
        // transactions): a job forgotten that way would be created again. librdkafka's default is read_committed
        // already; a `--kafka isolation.level=…` meant for other readers must not change it here.
        var readerConfiguration = base.merging(overrides)
        readerConfiguration.readCommitted = true
        return WorkerClients(
            consumer: consumer, ledgerProducer: ledgerProducer, resultProducer: resultProducer, api: api,
            readerConfiguration: readerConfiguration, jobsPartitions: jobsPartitions, admin: admin)
    }

    /// Checks that the four topics exist and that the tasks topic matches the jobs topic; returns the partition count.
    private static func checkTopics(_ configuration: WorkerConfiguration, admin: KafkaAdmin) async throws -> Int {
        func count(_ option: String, _ topic: String) async throws -> Int {
            do {
                return try await admin.partitionCount(of: topic)
            } catch {
                throw WorkerStartupError.missingTopic(
                    option: option, topic: topic, reason: error.description, missing: error.code == .unknownTopicOrPartition)
            }
        }
        let jobs = try await count("jobs-topic", configuration.jobsTopic)
        let tasks = try await count("tasks-topic", configuration.tasksTopic)
        _ = try await count("results-topic", configuration.resultsTopic)
        _ = try await count("dlq-topic", configuration.dlqTopic)
        guard jobs == tasks else {
            throw WorkerStartupError.partitionMismatch(
                jobsTopic: configuration.jobsTopic, jobs: jobs, tasksTopic: configuration.tasksTopic, tasks: tasks)
        }
        return configuration.jobsPartitions ?? jobs
    }

    /// How long `close` waits for the consumer to leave the group.
    static let consumerCloseLimit: Duration = .seconds(10)

    /// Leaves the group (shutdown has handed every partition over and committed already, so the last revocation
    /// finds nothing left to do), flushes the producers and closes the API client.
    func close(logger: Logger) async {
        // Leaving the group waits for the offset commit, and a coordinator in the middle of a round can hold that
        // behind a JoinGroup for a whole request timeout (60 s): longer than any drain deadline promises. Past the
        // bound the worker exits without the leave; the coordinator drops it after its session timeout, and what
        // was not committed is consumed again (the ledger keeps that from creating anything twice).
        let consumer = consumer
        if !(await boundedWait(Self.consumerCloseLimit, { await consumer.close() })) {
            logger.warning("the consumer did not leave the group in time; exiting without waiting for it", metadata: [
                "limit_seconds": "\(Self.consumerCloseLimit.components.seconds)",
            ])
        }
        await resultProducer.close(timeout: .seconds(10))
        if resultProducer !== ledgerProducer { await ledgerProducer.close(timeout: .seconds(10)) }
        do {
            try await api.shutdown()
        } catch {
            logger.debug("API client shutdown", metadata: ["error": "\(error)"])
        }
    }
}

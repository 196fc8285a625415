import AvatarJobs
import Foundation
import Kafka
import Logging

/// Follows the result topic from its beginning outside any group while the run goes on, so the runner can wait until
/// every produced job has its terminal event. Records are kept by partition and offset, so reading again after a
/// failed read (a stalled broker can make one give up) never counts a record twice.
actor ResultTopicWatch {
    private struct Position: Hashable {
        var partition: Int32
        var offset: Int64
    }

    private var records: [Position: KafkaConsumerMessage] = [:]
    private var endedJobs: Set<String> = []
    private var lastArrival = ContinuousClock.now
    private var reader: Task<Void, Never>?

    /// Starts following `topic`.
    func start(bootstrapServers: String, topic: String, logger: Logger) {
        reader = Task { [weak self] in
            while !Task.isCancelled {
                let tail = KafkaTopicTail(
                    configuration: KafkaConfiguration(["bootstrap.servers": bootstrapServers]), topic: topic, follow: true,
                    followInterval: .milliseconds(200), stallTimeout: .seconds(60), logger: logger)
                do {
                    for try await record in tail.records() { await self?.add(record) }
                } catch {
                    logger.info("the result topic's reader failed; reading it again", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Stops following.
    func stop() {
        reader?.cancel()
        reader = nil
    }

    /// How many of `jobIDs` have no terminal event yet.
    func missing(of jobIDs: [String]) -> Int { jobIDs.filter { !endedJobs.contains($0) }.count }

    /// Time since the last record arrived.
    var quietFor: Duration { lastArrival.duration(to: .now) }

    /// Every record so far, decoded where possible, in partition and offset order.
    func observed() -> (events: [ChaosObservations.Event], unreadable: Int) {
        var events: [ChaosObservations.Event] = []
        var unreadable = 0
        for (_, record) in records.sorted(by: { ($0.key.partition, $0.key.offset) < ($1.key.partition, $1.key.offset) }) {
            if let value = record.value, let event = try? ContractCoding.decodeEvent(value) {
                events.append(ChaosObservations.Event(event: event, key: record.keyText))
            } else {
                unreadable += 1
            }
        }
        return (events, unreadable)
    }

    private func add(_ record: KafkaConsumerMessage) {
        let position = Position(partition: record.partition, offset: record.offset)
        guard records[position] == nil else { return }
        records[position] = record
        lastArrival = .now
        if let value = record.value, let event = try? ContractCoding.decodeEvent(value), event.type.isTerminal {
            endedJobs.insert(event.jobID)
        }
    }
}

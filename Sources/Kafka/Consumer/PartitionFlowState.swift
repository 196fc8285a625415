/// The consumer's per-partition bookkeeping as a value: which partitions are assigned under which epoch, and which are
/// paused by the application or by the consumer itself for back-pressure.
///
/// It takes events (assignment, revocation, application pause/resume, back-pressure on/off) and returns the librdkafka
/// calls the owner must make, so every rule is tested without a broker:
/// - an epoch is a process-wide monotonic number given to a partition each time it is assigned;
/// - the consumer resumes only partitions it paused itself, never one the application paused;
/// - a pause requested for a partition that is not assigned yet is applied as soon as it is assigned (so a rebalance
///   handler can hold a partition back until its state is restored); revocation forgets a partition's pauses.
struct PartitionFlowState: Equatable {
    /// A librdkafka call the owner must make.
    enum Action: Equatable {
        /// `rd_kafka_pause_partitions` for these partitions.
        case pause([KafkaTopicPartition])
        /// `rd_kafka_resume_partitions` for these partitions.
        case resume([KafkaTopicPartition])
    }

    private(set) var epochs: [KafkaTopicPartition: UInt64] = [:]
    private(set) var pausedByApplication: Set<KafkaTopicPartition> = []
    private(set) var pausedForBackpressure: Set<KafkaTopicPartition> = []
    private(set) var isBackpressureActive = false
    /// Given an epoch, but librdkafka has not assigned them yet (the rebalance handler is running).
    private var assigning: Set<KafkaTopicPartition> = []
    private var lastEpoch: UInt64 = 0

    /// Gives each partition about to be assigned a new epoch (before the application's handler runs).
    mutating func beginAssignment(_ partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: UInt64] {
        var given: [KafkaTopicPartition: UInt64] = [:]
        for partition in partitions {
            lastEpoch += 1
            epochs[partition] = lastEpoch
            assigning.insert(partition)
            given[partition] = lastEpoch
        }
        return given
    }

    /// After librdkafka has assigned `partitions`: pauses those the application asked to hold back and, while
    /// back-pressure is on, all the others too.
    mutating func completeAssignment(_ partitions: [KafkaTopicPartition]) -> Action? {
        var toPause: [KafkaTopicPartition] = []
        for partition in partitions {
            assigning.remove(partition)
            if pausedByApplication.contains(partition) {
                toPause.append(partition)
            } else if isBackpressureActive {
                pausedForBackpressure.insert(partition)
                toPause.append(partition)
            }
        }
        return toPause.isEmpty ? nil : .pause(toPause.sorted())
    }

    /// The epochs of the partitions about to be revoked (those assigned).
    func epochs(of partitions: [KafkaTopicPartition]) -> [KafkaTopicPartition: UInt64] {
        epochs.filter { partitions.contains($0.key) }
    }

    /// After librdkafka has unassigned `partitions`: forgets their epochs and pauses.
    mutating func completeRevocation(_ partitions: [KafkaTopicPartition]) {
        for partition in partitions {
            epochs[partition] = nil
            assigning.remove(partition)
            pausedByApplication.remove(partition)
            pausedForBackpressure.remove(partition)
        }
    }

    /// The application pauses `partitions`; assigned ones not yet paused are paused now, the others on assignment.
    mutating func applicationPause(_ partitions: [KafkaTopicPartition]) -> Action? {
        var toPause: [KafkaTopicPartition] = []
        for partition in partitions where !pausedByApplication.contains(partition) {
            pausedByApplication.insert(partition)
            let alreadyPaused = pausedForBackpressure.remove(partition) != nil
            if isAssigned(partition) && !alreadyPaused { toPause.append(partition) }
        }
        return toPause.isEmpty ? nil : .pause(toPause.sorted())
    }

    /// The application resumes `partitions`; under back-pressure they stay paused (now on the consumer's account)
    /// until the application pulls again.
    mutating func applicationResume(_ partitions: [KafkaTopicPartition]) -> Action? {
        var toResume: [KafkaTopicPartition] = []
        for partition in partitions where pausedByApplication.remove(partition) != nil {
            guard isAssigned(partition) else { continue }
            if isBackpressureActive {
                pausedForBackpressure.insert(partition)
            } else {
                toResume.append(partition)
            }
        }
        return toResume.isEmpty ? nil : .resume(toResume.sorted())
    }

    /// Assigned in librdkafka (not merely about to be).
    private func isAssigned(_ partition: KafkaTopicPartition) -> Bool {
        epochs[partition] != nil && !assigning.contains(partition)
    }

    /// The application stopped pulling: pause every assigned partition that is not paused already.
    mutating func beginBackpressure() -> Action? {
        guard !isBackpressureActive else { return nil }
        isBackpressureActive = true
        let toPause = epochs.keys.filter { isAssigned($0) && !pausedByApplication.contains($0) }
        pausedForBackpressure = Set(toPause)
        return toPause.isEmpty ? nil : .pause(toPause.sorted())
    }

    /// The application pulls again: resume exactly what back-pressure paused.
    mutating func endBackpressure() -> Action? {
        guard isBackpressureActive else { return nil }
        isBackpressureActive = false
        let toResume = pausedForBackpressure
        pausedForBackpressure = []
        return toResume.isEmpty ? nil : .resume(toResume.sorted())
    }
}

import AvatarJobs
import Foundation
import Kafka

/// Rebalances: on assignment the partition is held paused until its ledger partition is restored and its live
/// jobs resumed; on revocation its final offset is stored and everything about it is dropped.
extension JobPipeline {
    /// The consumer's rebalance handler: runs synchronously on the consumer's poll thread before the change.
    ///
    /// Assignment pauses each new jobs partition here, before any of its messages can be delivered, and starts its
    /// restore in a task (the poll thread keeps serving the other partitions meanwhile); the restore resumes the
    /// partition when it is done. Revocation stores the final offsets while the partition is still assigned.
    func rebalanced(_ event: KafkaRebalanceEvent) {
        switch event {
        case .assigned(let assigned):
            var restores: [(Int32, AssignmentEpoch)] = []
            state.withLock { state in
                for partition in assigned where partition.topicPartition.topic == configuration.jobsTopic {
                    let number = partition.topicPartition.partition
                    let epoch = state.offsets.assign(number)
                    state.kafkaEpochs[number] = partition.epoch
                    state.restoring.insert(number)
                    state.stored[number] = nil
                    state.committed[number] = nil
                    do {
                        try state.capacity.assign(number)
                    } catch {
                        logger.error("assigned partition has no in-flight share", metadata: ["error": "\(error)"])
                    }
                    setPaused(true, partition: number)
                    restores.append((number, epoch))
                }
            }
            for (partition, epoch) in restores {
                Task { await self.restore(partition: partition, epoch: epoch) }
            }
        case .revoked(let revoked, let lost):
            let partitions = revoked.filter { $0.topicPartition.topic == configuration.jobsTopic }
                .map(\.topicPartition.partition)
            state.withLock { state in
                for partition in partitions { revoke(partition, lost: lost, state: &state) }
            }
            Task {
                for partition in partitions { await self.scheduler.untrack(partition: partition) }
            }
        }
    }

    private func revoke(_ partition: Int32, lost: Bool, state: inout PipelineState) {
        if let final = state.offsets.revoke(partition), !lost, !configuration.exactlyOnce,
           let kafkaEpoch = state.kafkaEpochs[partition]
        {
            try? consumer.storeOffset(
                KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition), offset: final, epoch: kafkaEpoch)
        }
        state.capacity.revoke(partition)
        state.kafkaEpochs[partition] = nil
        state.restoring.remove(partition)
        state.stored[partition] = nil
        state.committed[partition] = nil
        for (jobID, job) in state.jobs where job.partition == partition {
            // Dropped from here on, its pending answers and timers are ignored: a job no create has left for stays
            // unsent, which a restore of this partition by this process may rely on.
            if job.isUnsentSubmission, state.unsentSubmissions.count < UnsentSubmission.limit {
                state.unsentSubmissions[jobID] = UnsentSubmission(job.record)
            }
            for timer in job.timers { timer.cancel() }
            if let taskID = job.lifecycle.taskID { state.taskJobs[taskID] = nil }
            state.jobs[jobID] = nil
        }
        state.waiting[partition] = nil
        state.publications.removeAll { $0.partition == partition }
        state.tombstones.removeAll { $0.partition == partition }
    }

    /// Restores ledger partition `partition` to its end, resumes its live jobs, then resumes the jobs partition.
    func restore(partition: Int32, epoch: AssignmentEpoch) async {
        var attempt = 0
        while true {
            guard state.withLock({ $0.owns(partition, epoch: epoch) }) else { return }
            attempt += 1
            do {
                let (index, committed) = try await readLedger(partition: partition)
                let effects = state.withLock { state in resume(index, committed: committed, partition: partition, epoch: epoch, state: &state) }
                perform(effects)
                return
            } catch {
                logger.error("ledger restore failed; retrying", metadata: [
                    "partition": "\(partition)", "attempt": "\(attempt)", "error": "\(error)",
                ])
                try? await Task.sleep(for: .seconds(1))
            }
        }
    }

    /// Reads the ledger partition into an index, and the group's committed offset of the jobs partition.
    private func readLedger(partition: Int32) async throws -> (TaskLedgerIndex<AvatarTaskRecord>, Int64?) {
        var index = TaskLedgerIndex<AvatarTaskRecord>()
        let reader = try KafkaPartitionReader(configuration: readerConfiguration, logger: logger)
        _ = try await reader.read(topic: configuration.tasksTopic, partition: partition, from: KafkaOffset.beginning) { batch in
            for message in batch {
                guard let jobID = message.keyText else { continue }
                guard let value = message.value else {
                    index.apply(offset: message.offset, jobID: jobID, record: .tombstone)
                    continue
                }
                do {
                    let record = try AvatarTaskRecord.decode(value)
                    index.apply(
                        offset: message.offset, jobID: jobID,
                        record: record.state == .submitted ? .submitted(record) : .submitting(record))
                } catch {
                    logger.warning("unreadable ledger record skipped", metadata: [
                        "partition": "\(partition)", "offset": "\(message.offset)", "error": "\(error)",
                    ])
                }
            }
        }
        let jobsPartition = KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition)
        let committed = try await consumer.committedOffsets(for: [jobsPartition])[jobsPartition]
        return (index, committed.flatMap { $0 >= 0 ? $0 : nil })
    }

    private func resume(
        _ index: TaskLedgerIndex<AvatarTaskRecord>, committed: Int64?, partition: Int32, epoch: AssignmentEpoch,
        state: inout PipelineState
    ) -> [PipelineEffect] {
        guard state.owns(partition, epoch: epoch) else { return [] }
        state.committed[partition] = committed
        var effects: [PipelineEffect] = []
        var unsent = 0
        for entry in index.liveEntries {
            let record = entry.payload
            if entry.state == .submitting, let known = state.unsentSubmissions.removeValue(forKey: record.jobID),
               known == UnsentSubmission(record)
            {
                // This process wrote it and dropped the job before any create: not restored, so the job's message,
                // whose offset was never committed, comes back and starts afresh (same external_task_id).
                unsent += 1
                continue
            }
            let restored: JobLifecycle.Restored
            if entry.state == .submitted, let taskID = record.taskID {
                restored = .submitted(taskID: taskID)
            } else {
                restored = .submitting
            }
            let (lifecycle, actions) = JobLifecycle.restored(
                jobID: record.jobID, externalTaskID: record.externalTaskID, from: restored, options: options)
            var job = TrackedJob(lifecycle: lifecycle, partition: partition, epoch: epoch, record: record, job: nil)
            job.timers = deadlineTimers(for: record, jobID: record.jobID, epoch: epoch)
            effects += apply(actions, to: &job, state: &state).effects
        }
        logger.info("ledger partition restored", metadata: [
            "partition": "\(partition)", "live_jobs": "\(index.count)", "committed_offset": "\(committed.map(String.init) ?? "none")",
            "known_unsent": "\(unsent)",
        ])
        state.restoring.remove(partition)
        if !state.capacity.isPausedByUs(partition) { setPaused(false, partition: partition) }
        return effects
    }
}

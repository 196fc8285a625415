import Foundation
import Kafka

/// The result publisher's side of the pipeline: queued writes out, acks in, and which offsets are committed.
extension JobPipeline {
    /// Everything queued for writing (at-least-once mode); publications of revoked partitions are dropped.
    func takePublications() -> [Publication] {
        state.withLock { state in
            defer { state.publications = [] }
            return state.publications.filter { state.owns($0.partition, epoch: $0.epoch) }
        }
    }

    /// A publication was acked: the job moves on (its tombstone waits for the commit), or an unreadable or invalid
    /// message's offset becomes durable.
    func published(_ publication: Publication) {
        if let type = publication.resultType { metrics.resultPublished(type: type) }
        if let jobID = publication.jobID {
            failpoints.reached(.afterResult)
            handle(.resultPublished, jobID: jobID, epoch: publication.epoch)
        } else if let offset = publication.directOffset {
            state.withLock { state in
                guard state.offsets.markDurable(
                    offset: offset, partition: publication.partition, epoch: publication.epoch) != nil
                else { return }
                storeAdvancedOffset(of: publication.partition, state: &state)
            }
        }
    }

    /// A publication could not be written: queue it again (unless its partition moved on).
    func publicationFailed(_ publication: Publication) {
        state.withLock { state in
            if state.owns(publication.partition, epoch: publication.epoch) { state.publications.append(publication) }
        }
    }

    /// The offsets stored since the last commit, or nil when there is nothing new to commit.
    func uncommittedStores() -> [Int32: Int64]? {
        state.withLock { state in
            let fresh = state.stored.filter { entry in state.committed[entry.key].map { $0 < entry.value } ?? true }
            return fresh.isEmpty ? nil : fresh
        }
    }

    /// `offsets` (taken before a successful commit) are committed now.
    func committed(_ offsets: [Int32: Int64]) {
        state.withLock { state in
            for (partition, offset) in offsets where state.offsets.epoch(of: partition) != nil {
                state.committed[partition] = max(state.committed[partition] ?? offset, offset)
            }
        }
    }

    /// The tombstones whose job offset is committed; the rest stay queued, those of revoked partitions are dropped.
    func takeCoveredTombstones() -> [PendingTombstone] {
        state.withLock { state in
            var covered: [PendingTombstone] = []
            var waiting: [PendingTombstone] = []
            for tombstone in state.tombstones where state.owns(tombstone.partition, epoch: tombstone.epoch) {
                if let committed = state.committed[tombstone.partition], committed > tombstone.jobOffset {
                    covered.append(tombstone)
                } else {
                    waiting.append(tombstone)
                }
            }
            state.tombstones = waiting
            return covered
        }
    }

    /// A tombstone was acked: the job is finished.
    func tombstoneWritten(_ tombstone: PendingTombstone) {
        handle(.tombstoneRecorded, jobID: tombstone.jobID, epoch: tombstone.epoch)
    }

    /// A tombstone could not be written: queue it again.
    func tombstoneFailed(_ tombstone: PendingTombstone) {
        state.withLock { state in
            if state.owns(tombstone.partition, epoch: tombstone.epoch) { state.tombstones.append(tombstone) }
        }
    }

    /// Shutdown: waits, up to `deadline`, until no submission is under way: every job that has begun one (its
    /// `submitting` record written or being written, a create or reconciling query in flight or waiting for its retry,
    /// its `submitted` record being written) has reached polling or its end.
    ///
    /// Stopping earlier would leave the next owner a `submitting` record for a job whose create is known to have
    /// failed, or never ran, and that owner cannot tell it from one whose answer was lost: under the default policy
    /// it fails the job as `submission.ambiguous`. Jobs held for the account gate are not waited for (an account
    /// problem lasts longer than any drain), nor is a restored job whose message has not come back yet. What no create
    /// can have reached the API for when the wait ends is withdrawn (``withdrawUnsentSubmissions()``).
    func drain(deadline: ContinuousClock.Instant) async {
        state.withLock { $0.draining = true }
        while state.withLock({ $0.hasSubmissionUnderWay }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        await withdrawUnsentSubmissions()
    }

    /// Shutdown, while the partitions are still ours: every job no create can have reached the API for (held by the
    /// account gate, a retry still due, its `submitting` record still being written) is dropped and its ledger record
    /// tombstoned. Its offset was never committed, so the next owner gets the message again, finds no record, and
    /// submits it as a new job instead of failing it as ambiguous. A tombstone that fails leaves the record, and the
    /// next owner's ambiguity policy, as before.
    private func withdrawUnsentSubmissions() async {
        let withdrawn = state.withLock { state -> [TrackedJob] in
            let unsent = state.jobs.values.filter { $0.isUnsentSubmission && state.owns($0.partition, epoch: $0.epoch) }
            for job in unsent {
                for timer in job.timers { timer.cancel() }
                state.jobs[job.jobID] = nil
            }
            return unsent
        }
        guard !withdrawn.isEmpty else { return }
        let outcomes = await ledgerProducer.sendAll(withdrawn.map {
            messages.tombstone(jobID: $0.jobID, partition: $0.partition)
        })
        for (job, outcome) in zip(withdrawn, outcomes) {
            if case .failure(let error) = outcome {
                logger.warning("could not withdraw an unsent submission; the next owner meets its ambiguity policy",
                               metadata: ["job_id": "\(job.jobID)", "error": "\(error)"])
            } else {
                logger.info("unsent submission withdrawn for the next owner", metadata: ["job_id": "\(job.jobID)"])
            }
        }
    }

    /// Whether the worker holds an assignment and every restore finished.
    var isReady: Bool {
        state.withLock { !$0.offsets.partitions.isEmpty && $0.restoring.isEmpty && !$0.draining }
    }

    /// What `/status` shows.
    func status() -> WorkerStatus {
        state.withLock { state in
            WorkerStatus(
                workerID: configuration.workerID,
                ready: !state.offsets.partitions.isEmpty && state.restoring.isEmpty,
                exactlyOnce: configuration.exactlyOnce,
                partitions: state.offsets.partitions.map { partition in
                    WorkerStatus.Partition(
                        partition: partition, epoch: state.kafkaEpochs[partition] ?? 0,
                        restoring: state.restoring.contains(partition),
                        tasksInFlight: state.capacity.inFlight(of: partition) ?? 0,
                        inFlightLimit: state.capacity.limit(of: partition) ?? 0,
                        pausedForCapacity: state.capacity.isPausedByUs(partition),
                        committedOffset: state.committed[partition], storedOffset: state.stored[partition])
                },
                jobsTracked: state.jobs.count, pendingPublications: state.publications.count,
                pendingTombstones: state.tombstones.count)
        }
    }
}

import AvatarJobs
import Foundation

/// Everything the pipeline knows, guarded by one lock in `JobPipeline`: per-partition offsets and capacity, the
/// tracked jobs, and the writes waiting for the result publisher.
///
/// Only value types live here, so every change is a synchronous step under the lock (the consumer's rebalance
/// handler, which must not suspend, changes it too); I/O is described as `PipelineEffect`s and performed after the
/// lock is released.
struct PipelineState: Sendable {
    /// Which received job offsets have a durable fate, per owned partition and epoch.
    var offsets = PartitionOffsets()
    /// The fleet cap's share of each owned partition, with AIMD.
    var capacity: InFlightCapacity
    /// The consumer's epoch of each owned partition (for `storeOffset(…, epoch:)`).
    var kafkaEpochs: [Int32: UInt64] = [:]
    /// Partitions whose ledger is being restored (held paused; not ready).
    var restoring: Set<Int32> = []
    /// Valid jobs from `submitting` to tombstone, by job id.
    var jobs: [String: TrackedJob] = [:]
    /// Valid jobs received while their partition held its full share (records of a fetched batch arrive after the
    /// pause): they start, in offset order, as slots free up, so the fleet cap is never exceeded.
    var waiting: [Int32: [WaitingJob]] = [:]
    /// The job of each polled task, by task id.
    var taskJobs: [String: String] = [:]
    /// Results and DLQ entries waiting to be written.
    var publications: [Publication] = []
    /// Tombstones waiting for their job offset to be committed.
    var tombstones: [PendingTombstone] = []
    /// The last offset stored per partition (at-least-once mode).
    var stored: [Int32: Int64] = [:]
    /// The last offset known committed per partition.
    var committed: [Int32: Int64] = [:]
    /// Create calls in flight.
    var createsInFlight = 0
    /// Whether shutdown began: no new job is taken, and none waiting for a slot is started.
    var draining = false
    /// The `submitting` records of jobs this process dropped with their partition (revoked or lost) before any
    /// create of theirs could have reached the API, by job id. A restore that finds one of them, unchanged, knows
    /// what the ledger alone cannot: no task exists, so the job starts afresh when its message comes back instead of
    /// being treated as an ambiguous submission.
    var unsentSubmissions: [String: UnsentSubmission] = [:]

    init(capacity: InFlightCapacity) {
        self.capacity = capacity
    }

    /// Whether `epoch` is still the current assignment of `partition`.
    func owns(_ partition: Int32, epoch: AssignmentEpoch) -> Bool {
        offsets.epoch(of: partition) == epoch
    }

    /// The tracked job `jobID` if it belongs to the assignment `epoch`.
    func job(_ jobID: String, epoch: AssignmentEpoch) -> TrackedJob? {
        guard let job = jobs[jobID], job.epoch == epoch else { return nil }
        return job
    }

    /// Whether a create call is in flight or some job's submission is under way (see ``JobPipeline/drain(deadline:)``).
    var hasSubmissionUnderWay: Bool {
        createsInFlight > 0 || jobs.values.contains { job in
            job.createAwaitingJob == nil && job.lifecycle.phase.isSubmissionUnderWay
        }
    }

    /// Tasks in flight per owned partition, for `/status` and the gauge.
    var inFlightByPartition: [Int32: Int] {
        var result: [Int32: Int] = [:]
        for partition in offsets.partitions { result[partition] = capacity.inFlight(of: partition) ?? 0 }
        return result
    }
}

/// What identifies one `submitting` record this process wrote: a restore matches it field for field, so a record
/// written since by anyone else never matches.
struct UnsentSubmission: Sendable, Hashable {
    let externalTaskID: String
    let attempt: Int
    let jobOffset: Int64
    let workerID: String

    init(_ record: AvatarTaskRecord) {
        externalTaskID = record.externalTaskID
        attempt = record.attempt
        jobOffset = record.jobOffset
        workerID = record.worker.id
    }

    /// At most this many are remembered; beyond it a dropped job is left to the ambiguity policy, as before.
    static let limit = 10_000
}

/// A valid job waiting for a free slot in its partition's share.
struct WaitingJob: Sendable {
    let job: ValidatedJob
    let offset: Int64
    let traceparent: String?
    let receivedAt: Date
}

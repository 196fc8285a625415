import AvatarJobs
import AvatarWorker

/// The promises the pipeline makes, checked against what the simulated world saw: safety invariants the moment
/// they could break (a commit, a tombstone, a task created, a poll), the rest when the run ends.
struct SimulationChecks {
    let partitions: Int
    private(set) var firstViolation: SimulationViolation?
    /// Worker incarnations killed with SIGKILL.
    var crashed: Set<String> = []
    /// Worker incarnations that had partitions revoked as lost (session timeout).
    var lostPartitions: Set<String> = []

    init(partitions: Int) {
        self.partitions = partitions
    }

    mutating func violate(_ invariant: SimulationViolation.Invariant, job: String?, _ detail: String) {
        guard firstViolation == nil else { return }
        firstViolation = SimulationViolation(invariant: invariant, jobID: job, detail: detail)
    }

    /// A commit moved `partition` from `from` to `to`: every job below `to` must have a durable fate.
    mutating func commitApplied(partition: Int32, from: Int64, to: Int64, world: SimulatedWorld, writer: String) {
        let log = world.jobsLog[Int(partition)]
        for offset in Int(from)..<min(Int(to), log.count) {
            let job = world.jobs[log[offset]]
            guard !job.durable else { continue }
            violate(.commitPastUndurableJob, job: job.id,
                    "\(writer) committed partition \(partition) to \(to), past offset \(offset) whose fate is not durable")
            return
        }
    }

    /// A tombstone of `job` landed while the committed offset was `committed`: unless it withdraws a job no task
    /// was ever created for, the commit must cover the job already.
    mutating func tombstoneLanded(job: SimulatedJob, committed: Int64?, world: SimulatedWorld) {
        guard job.tasksCreated > 0, (committed ?? 0) <= job.offset else { return }
        violate(.tombstoneBeforeCommit, job: job.id,
                "a tombstone landed while partition \(job.partition) was committed to \(committed ?? 0), not past the job's offset \(job.offset)")
    }

    /// A restore checkpoint `offset` was committed for ledger partition `partition` whose live records start at
    /// `lowestLive` (the partition's end when none is live): a restore from it must see every live record.
    mutating func checkpointApplied(partition: Int32, offset: Int64, lowestLive: Int64, world: SimulatedWorld, writer: String) {
        guard offset > lowestLive else { return }
        let jobID = world.tasksLog[Int(partition)][Int(lowestLive)].jobID
        violate(.checkpointPastLiveRecord, job: world.jobIndexByID[jobID] != nil ? jobID : nil,
                "\(writer) committed ledger partition \(partition)'s restore checkpoint \(offset), past the live record of \(jobID) at \(lowestLive)")
    }

    /// A task of `job` was created: at most once per job, and neither the job's partition nor the fleet may then hold
    /// more running tasks (of jobs not ended) than its share of the cap.
    mutating func taskCreated(job: SimulatedJob, world: SimulatedWorld) {
        if job.tasksCreated > 1 {
            violate(.createdTwice, job: job.id, "the API created \(job.tasksCreated) tasks for the job")
            return
        }
        var perPartition = Array(repeating: 0, count: partitions)
        var running = Array(repeating: [String](), count: partitions)
        var total = 0
        for task in world.tasks.values where task.finishesAt > world.now && task.job >= 0 {
            let owner = world.jobs[task.job]
            guard owner.terminalEventIDs.isEmpty, !owner.decided else { continue }
            perPartition[Int(owner.partition)] += 1
            running[Int(owner.partition)].append("\(owner.id)/\(task.taskID)")
            total += 1
        }
        let capacity = try! InFlightCapacity(fleetCap: world.scenario.fleetCap, partitionCount: partitions)
        for partition in 0..<partitions where perPartition[partition] > capacity.share(of: Int32(partition)) {
            violate(.shareExceeded, job: job.id,
                    "partition \(partition) has \(perPartition[partition]) tasks running (\(running[partition].sorted())), its share is \(capacity.share(of: Int32(partition)))")
            return
        }
        if total > world.scenario.fleetCap {
            violate(.capExceeded, job: job.id, "\(total) tasks running, the fleet cap is \(world.scenario.fleetCap)")
        }
    }

    /// What must hold once the run is over.
    mutating func checkAtEnd(world: SimulatedWorld) {
        for job in world.jobs {
            guard job.ended else {
                violate(.jobWithoutEnd, job: job.id,
                        "no terminal result \(Int(world.scenario.livenessBound)) s after the faults stopped")
                return
            }
            if Set(job.terminalEventIDs).count > 1 {
                violate(.differentEventIDs, job: job.id,
                        "terminal events with different ids: \(zip(job.terminalTypes, job.terminalCodes).map { "\($0.rawValue) \($1 ?? "")" })")
                return
            }
            if job.terminalEventIDs.count > 1 {
                let earlier = job.terminalWriters.dropLast()
                if !earlier.contains(where: { crashed.contains($0) || lostPartitions.contains($0) }) {
                    violate(.unexplainedDuplicate, job: job.id,
                            "\(job.terminalEventIDs.count) terminal events (by \(job.terminalWriters)) though none of their writers died or lost the partition")
                    return
                }
            }
            if job.terminalCodes.contains(TaskFailure.submissionAmbiguousCode) {
                let ownerDied = !job.submittingWriters.isDisjoint(with: crashed)
                if !job.answerLost && !ownerDied {
                    violate(.unexplainedAmbiguity, job: job.id,
                            "failed as submission.ambiguous (\(job.tasksCreated) tasks created) though no create answer was lost and no owner of its submitting record died")
                    return
                }
            }
        }
    }
}

/// A broken promise, with the job it concerns.
public struct SimulationViolation: Sendable, CustomStringConvertible {
    /// Which promise.
    public enum Invariant: String, Sendable, CaseIterable {
        case jobWithoutEnd = "every job gets a terminal result"
        case differentEventIDs = "all terminal results of a job carry one event_id"
        case createdTwice = "no job is created more than once"
        case commitPastUndurableJob = "no offset is committed past a job whose fate is not durable"
        case tombstoneBeforeCommit = "no tombstone before the commit that covers its job"
        case shareExceeded = "tasks in flight never exceed a partition's share"
        case capExceeded = "tasks in flight never exceed the fleet cap"
        case polledAfterResult = "no task is polled after its result"
        case unexplainedAmbiguity = "submission.ambiguous only when a create's answer was lost or its owner died"
        case unexplainedDuplicate = "a duplicate result only from a worker that died or lost its partition"
        case runaway = "the run settles (no livelock)"
        case ledgerNotClean = "every ended job's ledger record is tombstoned"
        case checkpointPastLiveRecord = "no restore checkpoint passes a live ledger record"
    }

    public let invariant: Invariant
    public let jobID: String?
    public let detail: String

    public var description: String {
        "\(invariant.rawValue): \(jobID.map { "job \($0): " } ?? "")\(detail)"
    }
}

/// How often each fault kind was injected.
public struct FaultCounters: Sendable {
    public private(set) var counts: [String: Int] = [:]

    mutating func count(_ kind: String) {
        counts[kind, default: 0] += 1
    }

    mutating func add(_ other: FaultCounters) {
        for (kind, count) in other.counts { counts[kind, default: 0] += count }
    }
}

/// What one run did.
public struct SimulationResult: Sendable {
    public let scenario: SimulationScenario
    public let violation: SimulationViolation?
    public let faults: FaultCounters
    public let steps: Int
    public let virtualSeconds: Double
    public let jobsEnded: Int
    public let fingerprint: UInt64
    /// Restore checkpoints that landed, and restores that started at one (above offset 0).
    public let checkpointsCommitted: Int
    public let restoresFromCheckpoint: Int
    /// The traced job's events (empty unless the run traced one).
    public let trace: [String]
}

extension SimulatedWorld {
    func checkAtEnd() {
        checks.checkAtEnd(world: self)
    }
}

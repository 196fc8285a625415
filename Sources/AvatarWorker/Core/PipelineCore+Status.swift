/// What the admin server reports about the core.
extension PipelineCore {
    /// Whether the worker holds an assignment, every restore finished and it is not draining (`/readyz`).
    public var isReady: Bool {
        !draining && !owned.isEmpty && owned.values.allSatisfy { $0.phase == .active }
    }

    /// Tasks in flight over every owned partition.
    public var tasksInFlight: Int {
        owned.keys.reduce(0) { $0 + (capacity.inFlight(of: $1) ?? 0) }
    }

    /// Jobs tracked from `submitting` (or restore) to their end.
    public var jobsTracked: Int { jobs.count }

    /// Created tasks still running at `now` with less than a fifth of their total time (from the job's receipt to its
    /// total deadline) left: the ones a slow API is about to fail with `deadline.exceeded`.
    public func tasksNearDeadline(at now: WallClock.Instant) -> Int {
        jobs.values.reduce(0) { count, job in
            guard job.lifecycle.taskID != nil, job.lifecycle.outcome == nil else { return count }
            let total = job.record.deadline.timeIntervalSince(job.record.createdAt)
            let left = job.record.deadline.timeIntervalSince(now.date)
            return left < total / 5 ? count + 1 : count
        }
    }

    /// The state of each owned partition, in partition order.
    public var partitionStatus: [PartitionStatus] {
        owned.keys.sorted().compactMap { partition in
            guard let owned = owned[partition] else { return nil }
            let phase: String
            switch owned.phase {
            case .restoring: phase = "restoring"
            case .active: phase = "active"
            case .handingOver: phase = "handing-over"
            case .handedOver: phase = "handed-over"
            }
            return PartitionStatus(
                partition: partition, kafkaEpoch: owned.kafkaEpoch, phase: phase,
                tasksInFlight: capacity.inFlight(of: partition) ?? 0, inFlightLimit: capacity.limit(of: partition) ?? 0,
                share: capacity.share(of: partition), pausedForCapacity: owned.flowPaused && owned.phase == .active,
                committedOffset: owned.committed, storedOffset: owned.stored,
                pendingTombstones: tombstones[partition]?.count ?? 0)
        }
    }

    /// One owned partition as `/status` shows it.
    public struct PartitionStatus: Sendable, Equatable {
        public var partition: Int32
        public var kafkaEpoch: UInt64
        public var phase: String
        public var tasksInFlight: Int
        public var inFlightLimit: Int
        public var share: Int
        public var pausedForCapacity: Bool
        public var committedOffset: Int64?
        public var storedOffset: Int64?
        public var pendingTombstones: Int
    }
}

extension PipelineCore {
    /// Every tracked job as `job_id: phase` lines, for the simulation's diagnostics.
    package var jobSummaries: [String] {
        jobs.values.sorted { $0.record.jobID < $1.record.jobID }.map { job in
            "\(job.record.jobID)@\(job.partition): \(job.lifecycle.phase) queued=\(job.queuedForCreate) poll=\(job.poll.map { "token \($0.token) lease \($0.lease.map(String.init) ?? "-")" } ?? "none") deferred=\(job.deferred.map { "\($0)" } ?? "-") failures=\(job.writeFailures)"
        }
    }

    /// Queue and gate state, for the simulation's diagnostics.
    package var queueSummary: String {
        "createQueue \(createQueue.count) createsInFlight \(createsInFlight) gate \(gate.state) held \(heldForAccount.count) readyPolls \(readyPolls.count) pollsInFlight \(pollsInFlight) pending \(pending.count) timers \(timers.count) next \(nextWakeup.map { "\($0)" } ?? "-")"
    }
}

extension PipelineCore {
    /// Whether a polled task with this id belongs to a job this core tracks.
    public func isTracking(taskID: String) -> Bool { taskJobs[taskID] != nil }

    /// Publications asked for and not acknowledged yet (results, rejections, dead letters, progress events).
    public var pendingPublications: Int {
        transactionQueue.count + retryingPublications.count + pending.values.filter {
            if case .publication = $0 { return true }
            return false
        }.count
    }
}

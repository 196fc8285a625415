import HeapModule

/// The one poll scheduler of the process: every tracked task in a heap ordered by its next due time.
///
/// One heap instead of one sleeping task per job keeps thousands of long renders cheap. `next()` (or `events`)
/// yields the earliest due task when three things allow it: it is due, a poll slot is free (`maxConcurrentPolls`),
/// and the global request budget has a token. A task whose total deadline passed is yielded as `.deadlineExceeded`
/// instead (its next due time is never later than its deadline, so this is prompt). After each poll the caller hands
/// the task back with `reschedule(_:after:)`, which frees the slot and sets the next due time from `PollPolicy`
/// (growing interval, error backoff, `Retry-After`). `hint(taskID:)` (a callback arrived) makes a task due now.
/// `untrack(partition:)` drops a revoked partition's tasks; a poll in flight for one of them is ignored when it comes
/// back. The scheduler is generic over its clock so tests move time instead of sleeping.
public actor PollScheduler<C: Clock> where C.Duration == Duration {
    struct Entry {
        var due: DueTask
        var generation: UInt64
        var consecutiveErrors = 0
        var pollCount = 0
        var activeLease: UInt64?
        var hinted = false
    }

    struct Slot: Comparable {
        let due: C.Instant
        let sequence: UInt64
        let taskID: String
        let generation: UInt64

        static func < (lhs: Slot, rhs: Slot) -> Bool {
            (lhs.due, lhs.sequence) < (rhs.due, rhs.sequence)
        }

        static func == (lhs: Slot, rhs: Slot) -> Bool {
            lhs.due == rhs.due && lhs.sequence == rhs.sequence
        }
    }

    /// The clock every due time is measured on.
    public nonisolated let clock: C
    /// The interval and backoff policy.
    public nonisolated let policy: PollPolicy
    /// The global limits.
    public nonisolated let limits: PollLimits

    var entries: [String: Entry] = [:]
    var heap = Heap<Slot>()
    var budget: RequestBudget<C.Instant>
    var leases: Set<UInt64> = []
    var random: any RandomNumberGenerator & Sendable
    var counter: UInt64 = 0
    var isShutDown = false
    var waiters: [UInt64: CheckedContinuation<Void, Never>] = [:]
    var timers: [UInt64: Task<Void, Never>] = [:]
    var nextWaiterID: UInt64 = 0

    /// A scheduler with no tasks. `random` drives the jitter (inject a seeded generator in tests).
    public init(
        clock: C,
        policy: PollPolicy = PollPolicy(),
        limits: PollLimits = PollLimits(),
        random: some RandomNumberGenerator & Sendable = SystemRandomNumberGenerator()
    ) {
        self.clock = clock
        self.policy = policy
        self.limits = limits
        self.random = random
        self.budget = RequestBudget(requestsPerSecond: limits.requestsPerSecond, burst: limits.burst, now: clock.now)
    }

    /// How many tasks are tracked (including those being polled).
    public var trackedCount: Int { entries.count }

    /// How many polls are in flight (yielded, not yet rescheduled).
    public var pollsInFlight: Int { leases.count }

    /// Whether `taskID` is tracked.
    public func isTracking(_ taskID: String) -> Bool { entries[taskID] != nil }

    /// The scheduler's events as an async sequence (see `Events`).
    public nonisolated var events: Events { Events(scheduler: self) }

    /// Starts tracking a task; its first poll is due `firstPollDelay(mode)` after `submittedAt` (at once when that
    /// lies in the past, as for tasks restored from the ledger), never later than `deadline`.
    ///
    /// Returns false (and changes nothing) when the task is already tracked under a newer epoch; tracking it under
    /// the same or a newer epoch replaces the old entry.
    @discardableResult
    public func track(
        taskID: String,
        partition: Int32,
        epoch: AssignmentEpoch,
        mode: PollMode,
        submittedAt: C.Instant,
        deadline: C.Instant
    ) -> Bool {
        if let existing = entries[taskID], existing.due.epoch > epoch { return false }
        let due = DueTask(
            taskID: taskID, partition: partition, epoch: epoch, mode: mode,
            submittedAt: submittedAt, deadline: deadline, pollNumber: 0, lease: 0
        )
        entries[taskID] = Entry(due: due, generation: 0)
        schedule(taskID, at: submittedAt.advanced(by: policy.firstPollDelay(for: mode, using: &random)))
        return true
    }

    /// Stops tracking every task of `partition` (it was revoked) and returns their ids in ascending order.
    @discardableResult
    public func untrack(partition: Int32) -> [String] {
        let dropped = entries.values.filter { $0.due.partition == partition }.map(\.due.taskID).sorted()
        for taskID in dropped { entries[taskID] = nil }
        wakeWaiters()
        return dropped
    }

    /// Stops tracking one task; returns false when it was not tracked.
    @discardableResult
    public func untrack(taskID: String) -> Bool {
        entries.removeValue(forKey: taskID) != nil
    }

    /// A callback said the task changed: make it due now (after its poll in flight, if one is).
    /// Returns false when the task is not tracked.
    @discardableResult
    public func hint(taskID: String) -> Bool {
        guard var entry = entries[taskID] else { return false }
        if entry.activeLease != nil {
            entry.hinted = true
            entries[taskID] = entry
        } else {
            schedule(taskID, at: clock.now)
        }
        return true
    }

    /// Gives a polled task back: frees its poll slot and sets its next due time from `outcome`.
    ///
    /// Ignored (apart from freeing the slot) when the task was untracked or re-tracked meanwhile; a second
    /// reschedule of the same hand-out is ignored entirely.
    public func reschedule(_ task: DueTask, after outcome: PollOutcome) {
        guard leases.remove(task.lease) != nil else { return }
        defer { wakeWaiters() }
        guard var entry = entries[task.taskID], entry.activeLease == task.lease else { return }
        entry.activeLease = nil
        let hinted = entry.hinted
        entry.hinted = false
        let delay: Duration
        switch outcome {
        case .finished:
            entries[task.taskID] = nil
            return
        case .stillRunning:
            entry.consecutiveErrors = 0
            let elapsed = entry.due.submittedAt.duration(to: clock.now)
            delay = hinted ? .zero : policy.nextInterval(afterRunningFor: elapsed, using: &random)
        case .failedTransiently(let retryAfter):
            entry.consecutiveErrors += 1
            delay = policy.delayAfterError(
                consecutiveErrors: entry.consecutiveErrors, retryAfter: retryAfter, using: &random
            )
        }
        entries[task.taskID] = entry
        schedule(task.taskID, at: clock.now.advanced(by: delay))
    }

    /// Ends the event stream: every pending and future `next()` returns nil.
    public func shutdown() {
        isShutDown = true
        wakeWaiters()
    }

    /// The next task to poll or to report as past its deadline; nil once shut down or when the caller is cancelled.
    ///
    /// Suspends until something is due and allowed by the limits.
    public func next() async -> Event? {
        while !isShutDown && !Task.isCancelled {
            let now = clock.now
            var wakeAt: C.Instant?
            if let slot = earliestLiveSlot(), var entry = entries[slot.taskID] {
                if slot.due > now {
                    wakeAt = slot.due
                } else if now >= entry.due.deadline {
                    heap.removeMin()
                    entries[slot.taskID] = nil
                    return .deadlineExceeded(entry.due)
                } else if leases.count < limits.maxConcurrentPolls {
                    if let wait = budget.take(at: now) {
                        wakeAt = now.advanced(by: wait)
                    } else {
                        heap.removeMin()
                        return .poll(lease(&entry))
                    }
                }
            }
            await waitForChange(until: wakeAt)
        }
        return nil
    }

    private func lease(_ entry: inout Entry) -> DueTask {
        counter += 1
        entry.pollCount += 1
        entry.generation = counter
        entry.activeLease = counter
        leases.insert(counter)
        let due = entry.due
        entries[due.taskID] = entry
        return DueTask(
            taskID: due.taskID, partition: due.partition, epoch: due.epoch, mode: due.mode,
            submittedAt: due.submittedAt, deadline: due.deadline, pollNumber: entry.pollCount, lease: counter
        )
    }

    private func schedule(_ taskID: String, at instant: C.Instant) {
        guard var entry = entries[taskID] else { return }
        counter += 1
        entry.generation = counter
        entries[taskID] = entry
        heap.insert(Slot(due: min(instant, entry.due.deadline), sequence: counter, taskID: taskID, generation: counter))
        wakeWaiters()
    }

    private func earliestLiveSlot() -> Slot? {
        while let slot = heap.min {
            if let entry = entries[slot.taskID], entry.generation == slot.generation, entry.activeLease == nil {
                return slot
            }
            heap.removeMin()
        }
        return nil
    }
}

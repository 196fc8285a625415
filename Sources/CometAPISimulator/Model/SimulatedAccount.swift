import Foundation

/// The simulator's memory: the account's tasks, the external-id index and the counters behind `GET /_sim/stats`.
///
/// A value type mutated under the simulator's lock; it never does I/O. Status changes that need a callback are
/// returned by ``advance(to:)`` for the caller to send.
struct SimulatedAccount: Sendable {
    private(set) var tasks: [String: SimulatedTask] = [:]
    private var taskIDsByExternalID: [String: String] = [:]
    /// Tasks with a callback URL whose terminal status is not yet announced (the ticker looks at these only).
    private var awaitingCallbacks: Set<String> = []
    private var nextTaskNumber: UInt64 = 878_106_242_831_892_000
    private(set) var counters = SimulatorStats()
    /// Task ids a query found since the last ``markQueries()`` (what `tasks_queried_since_mark` counts).
    private var queriedSinceMark: Set<String> = []

    /// Why a create was refused by the account itself (after request validation).
    enum CreateRefusal: Error, Equatable {
        case duplicateExternalTaskID(String)
    }

    /// Records a create and returns the new task, or refuses a duplicate `external_task_id` when uniqueness is on.
    mutating func create(
        _ request: ValidatedCreateRequest,
        now: Date,
        lifetimeSeconds: Double,
        outcome: SimulatedTask.Outcome,
        enforceUniqueExternalID: Bool
    ) -> Result<SimulatedTask, CreateRefusal> {
        if let external = request.externalTaskID, enforceUniqueExternalID, taskIDsByExternalID[external] != nil {
            counters.duplicateExternalTaskIDRejections += 1
            return .failure(.duplicateExternalTaskID(external))
        }
        nextTaskNumber += 1
        let task = SimulatedTask(
            taskID: String(nextTaskNumber),
            externalTaskID: request.externalTaskID,
            mode: request.mode,
            callbackURL: request.callbackURL,
            createdAt: now,
            processingAt: now.addingTimeInterval(lifetimeSeconds * 0.25),
            endsAt: now.addingTimeInterval(lifetimeSeconds),
            outcome: outcome
        )
        tasks[task.taskID] = task
        if task.callbackURL != nil { awaitingCallbacks.insert(task.taskID) }
        if let external = request.externalTaskID {
            taskIDsByExternalID[external] = task.taskID
            counters.createsByExternalTaskID[external, default: 0] += 1
        }
        counters.createsTotal += 1
        return .success(task)
    }

    /// The task with this task id, or (when allowed) this external task id.
    func task(identifiedBy identifier: String, allowExternalID: Bool) -> SimulatedTask? {
        if let task = tasks[identifier] { return task }
        guard allowExternalID, let taskID = taskIDsByExternalID[identifier] else { return nil }
        return tasks[taskID]
    }

    /// Tasks newest first, one page of them (1-based page number).
    func page(number: Int, size: Int) -> [SimulatedTask] {
        let sorted = tasks.values.sorted { ($0.createdAt, $0.taskID) > ($1.createdAt, $1.taskID) }
        let start = (number - 1) * size
        guard start < sorted.count else { return [] }
        return Array(sorted[start..<min(sorted.count, start + size)])
    }

    /// Marks status changes up to `now` as announced and returns, in order, each task with the moment of every
    /// status it reached since the last announcement (so a short phase between two ticks is still announced).
    mutating func advance(to now: Date) -> [(task: SimulatedTask, at: Date)] {
        var due: [(task: SimulatedTask, at: Date)] = []
        for id in awaitingCallbacks {
            guard let task = tasks[id] else { continue }
            let current = task.status(at: now)
            guard task.announcedStatus != current else { continue }
            let phases = task.phases
            let first = task.announcedStatus.flatMap { announced in phases.firstIndex { $0.status == announced } }.map { $0 + 1 } ?? 0
            guard let last = phases.firstIndex(where: { $0.status == current }), first <= last else { continue }
            for phase in phases[first...last] { due.append((task, phase.since)) }
            tasks[id]?.announcedStatus = current
            if current == .succeed || current == .failed { awaitingCallbacks.remove(id) }
        }
        return due
    }

    /// Notes that a query found `taskID` (for `tasks_queried_since_mark`).
    mutating func noteQueried(_ taskID: String) {
        queriedSinceMark.insert(taskID)
    }

    /// Starts a new query mark: from now on `tasks_queried_since_mark` counts the distinct tasks queried after it.
    mutating func markQueries() {
        queriedSinceMark = []
    }

    /// Applies `change` to the counters.
    mutating func count(_ change: (inout SimulatorStats) -> Void) {
        change(&counters)
    }

    /// The counters with `tasks_by_status` filled in for `now`.
    func stats(at now: Date, brief: Bool = false) -> SimulatorStats {
        var stats = counters
        stats.tasksQueriedSinceMark = queriedSinceMark.count
        if brief {
            stats.createsByExternalTaskID = [:]
            return stats
        }
        stats.tasksByStatus = Dictionary(grouping: tasks.values, by: { $0.status(at: now).rawValue }).mapValues(\.count)
        return stats
    }

    /// Forgets every task and counter.
    mutating func reset() {
        self = SimulatedAccount()
    }
}

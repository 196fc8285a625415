import AvatarJobs
import AvatarWorker
import Foundation

/// The verdict on one chaos run: the figures the brief asks for and every broken promise, as a value the command
/// prints (``lines``) and writes as JSON (`--report-json`), and whose ``violations`` decide the exit status.
public struct ChaosReport: Sendable, Codable, Equatable {
    /// A job that failed as `submission.ambiguous`, and why, from its event.
    public struct Ambiguity: Sendable, Codable, Equatable {
        /// The job.
        public var jobID: String
        /// The event's `error.message` (the worker's reason).
        public var reason: String
        /// Whether the simulator holds a task for it (paid for, but the job failed).
        public var taskExists: Bool

        /// An ambiguous job.
        public init(jobID: String, reason: String, taskExists: Bool) {
            self.jobID = jobID
            self.reason = reason
            self.taskExists = taskExists
        }
    }

    /// A job with more than one terminal event.
    public struct Duplicate: Sendable, Codable, Equatable {
        /// The job.
        public var jobID: String
        /// Terminal records for the job.
        public var copies: Int
        /// Whether every copy repeats the same `event_id` (then a subscriber drops the copies).
        public var sameEventID: Bool

        /// A duplicated job.
        public init(jobID: String, copies: Int, sameEventID: Bool) {
            self.jobID = jobID
            self.copies = copies
            self.sameEventID = sameEventID
        }
    }

    /// The schedule's seed (`--seed` repeats the run).
    public var seed: UInt64
    /// Jobs Kafka acknowledged.
    public var jobsProduced: Int
    /// Of those, the valid ones.
    public var validJobsProduced: Int
    /// Terminal records on the result topic (copies included).
    public var terminalEvents: Int
    /// Valid jobs that succeeded.
    public var succeeded: Int
    /// Invalid jobs that failed with their expected code.
    public var failedAsExpected: Int
    /// Jobs produced that have no terminal event (must be none).
    public var jobsWithoutTerminalEvent: [String]
    /// Jobs created more than once, as `job_id (external_task_id)`, with their creation count (must be none).
    public var createdMoreThanOnce: [String: Int]
    /// Tasks the simulator created (each one is paid for).
    public var tasksCreated: Int
    /// Creates the simulator refused because the `external_task_id` existed (a second attempt for a paid task).
    public var repeatedCreateAttempts: Int
    /// Valid jobs failed as `submission.ambiguous`, each with its reason.
    public var ambiguous: [Ambiguity]
    /// Jobs with more than one terminal record.
    public var duplicates: [Duplicate]
    /// Faults the simulator injected, by name.
    public var faultsInjected: [String: Int]
    /// Actions the runner performed, by kind.
    public var actionsPerformed: [String: Int]
    /// Wall time of the whole run in seconds.
    public var wallSeconds: Double
    /// Every broken promise; empty means the run passed.
    public var violations: [String]

    /// Whether the run kept every promise.
    public var passed: Bool { violations.isEmpty }

    /// Judges `observed`.
    public init(judging observed: ChaosObservations) {
        let terminal = observed.events.filter(\.event.type.isTerminal)
        let byJob = Dictionary(grouping: terminal, by: \.event.jobID)
        let created = observed.stats.createsByExternalTaskID
        var violations = observed.incidents
        if !observed.settled { violations.append("not every job ended before the runner stopped waiting") }

        seed = observed.seed
        jobsProduced = observed.produced.count
        validJobsProduced = observed.produced.filter { $0.expectedErrorCode == nil }.count
        terminalEvents = terminal.count
        tasksCreated = observed.stats.createsTotal
        repeatedCreateAttempts = observed.stats.duplicateExternalTaskIDRejections
        faultsInjected = observed.stats.faultsInjected
        actionsPerformed = Dictionary(uniqueKeysWithValues: observed.performed.map { ($0.key.rawValue, $0.value) })
        wallSeconds = observed.wallTime.secondsValue

        var missing: [String] = [], ambiguous: [Ambiguity] = [], duplicates: [Duplicate] = []
        var succeeded = 0, failedAsExpected = 0
        var jobByExternalID: [String: String] = [:]
        for job in observed.produced {
            let externalID = StableIdentifiers.externalTaskID(jobID: job.jobID, attempt: 1)
            if job.expectedErrorCode == nil { jobByExternalID[externalID] = job.jobID }
            guard let copies = byJob[job.jobID], let first = copies.first?.event else {
                missing.append(job.jobID)
                continue
            }
            let eventIDs = Set(copies.map(\.event.eventID))
            if copies.count > 1 {
                duplicates.append(Duplicate(jobID: job.jobID, copies: copies.count, sameEventID: eventIDs.count == 1))
            }
            if eventIDs.count > 1 {
                violations.append("\(job.jobID): \(eventIDs.count) different terminal events "
                    + copies.map { "\($0.event.type.rawValue) \($0.event.error?.code ?? "")" }.joined(separator: ", "))
            }
            let outcome = first.type == .succeeded ? "succeeded" : "failed \(first.error?.code ?? "without a code")"
            if let expected = job.expectedErrorCode {
                if first.type == .failed, first.error?.code == expected {
                    failedAsExpected += 1
                } else {
                    violations.append("\(job.jobID): \(outcome), expected failed \(expected)")
                }
            } else if first.type == .succeeded {
                succeeded += 1
                if (first.videos ?? []).isEmpty { violations.append("\(job.jobID): succeeded without a video") }
            } else if first.error?.code == TaskFailure.submissionAmbiguousCode {
                let exists = created[first.externalTaskID ?? externalID] != nil
                ambiguous.append(Ambiguity(jobID: job.jobID, reason: first.error?.message ?? "", taskExists: exists))
                if exists, observed.reconciling {
                    violations.append("\(job.jobID): failed submission.ambiguous although reconciling could find its task")
                }
            } else {
                violations.append("\(job.jobID): \(outcome) (\(first.error?.message ?? "")), expected succeeded")
            }
        }
        var createdTwice: [String: Int] = [:]
        for (externalID, count) in created.sorted(by: { $0.key < $1.key }) {
            let name = "\(jobByExternalID[externalID] ?? "no job") (\(externalID))"
            if count > 1 {
                createdTwice[name] = count
                violations.append("\(name): created \(count) times (paid \(count) times)")
            }
            if jobByExternalID[externalID] == nil {
                violations.append("\(externalID): a task created for no valid job of this run")
            }
        }
        if repeatedCreateAttempts > 0 {
            violations.append("\(repeatedCreateAttempts) create(s) repeated for a task that existed "
                + "(only the API's external_task_id uniqueness kept them from paying twice)")
        }
        for record in observed.events where record.key != record.event.jobID {
            violations.append("event \(record.event.eventID) keyed \(record.key ?? "nil") for job \(record.event.jobID)")
        }
        if observed.unreadableRecords > 0 {
            violations.append("\(observed.unreadableRecords) record(s) on the result topic are not result events")
        }
        violations += missing.map { "\($0): no terminal event" }
        for (fault, queued) in observed.stormed.sorted(by: { $0.key < $1.key })
        where queued > 0 && (observed.stats.faultsInjected[fault] ?? 0) == 0 {
            violations.append("fault \(fault) was stormed but never injected: the run proves nothing about it")
        }

        jobsWithoutTerminalEvent = missing
        createdMoreThanOnce = createdTwice
        self.ambiguous = ambiguous
        self.duplicates = duplicates
        self.succeeded = succeeded
        self.failedAsExpected = failedAsExpected
        self.violations = violations
    }
}

import CometAPISimulator

/// The shape of one chaos run: how many jobs, how long the fault schedule lasts, how many workers, and the facts the
/// schedule must respect (the group's session timeout, which separates a short broker stall from one that loses
/// partitions). ``ChaosSchedule`` turns a plan and a seed into timed actions.
public struct ChaosPlan: Sendable, Hashable {
    /// Jobs produced over the run (valid and invalid mixed, see ``ChaosJobs``).
    public var jobs: Int
    /// Every `invalidEvery`-th job is invalid.
    public var invalidEvery: Int
    /// How long the fault schedule runs; jobs are produced during its first ``productionShare``.
    public var duration: Duration
    /// Share of ``duration`` over which jobs are produced (the rest lets faults hit jobs already in flight).
    public var productionShare: Double
    /// Workers in the group when no fault has taken one away.
    public var workers: Int
    /// The workers' `session.timeout.ms`: a stall longer than it loses the group's partitions, a shorter one does not.
    public var sessionTimeout: Duration
    /// The `--prior-owner-grace` of a worker restarted after SIGKILL (as the end-to-end tests give a successor).
    public var afterKillGrace: Duration
    /// The simulator faults stormed; each is stormed at least once, and first on the create route.
    public var stormFaults: [SimulatedFault]

    /// Every fault the brief's storms name: 5xx (plain and HTML), 1302/1303, resets before and after the request is
    /// read, slow answers and slow bodies, malformed and empty answers, and lost answers (no answer, a reset after
    /// the create took effect).
    public static let everyStormFault: [SimulatedFault] = [
        .server5000, .server5001, .server5002, .html502, .gateway524, .throttle1302, .throttle1303,
        .resetBeforeRead, .resetAfterRead, .slow, .slowBody, .malformedJSON, .emptyBody, .noAnswer,
    ]

    /// The shortest schedule that fits every fault: two stalls (one longer than the session timeout), one SIGTERM
    /// episode and one scale-down episode.
    public static let minimumDuration: Duration = .seconds(40)

    /// A plan; the defaults are those of a full run.
    public init(
        jobs: Int = 5000, invalidEvery: Int = 5, duration: Duration = .seconds(150), productionShare: Double = 0.7,
        workers: Int = 3, sessionTimeout: Duration = .seconds(6), afterKillGrace: Duration = .seconds(2),
        stormFaults: [SimulatedFault] = ChaosPlan.everyStormFault
    ) {
        self.jobs = jobs
        self.invalidEvery = invalidEvery
        self.duration = duration
        self.productionShare = productionShare
        self.workers = workers
        self.sessionTimeout = sessionTimeout
        self.afterKillGrace = afterKillGrace
        self.stormFaults = stormFaults
    }

    /// The short form CI runs: a few hundred jobs, every fault at least once, a schedule of 50 s (room for two
    /// SIGKILLs beside the SIGTERM and the scale episode).
    public static func short(jobs: Int = 300) -> ChaosPlan {
        ChaosPlan(jobs: jobs, duration: .seconds(50))
    }

    /// The `--prior-owner-grace` value of a successor of a SIGKILL, e.g. `2s`.
    public var afterKillGraceFlag: String { "\(afterKillGrace.components.seconds)s" }

    /// Why this plan cannot be scheduled, or nil when it can.
    public var problem: String? {
        if jobs < 1 { return "jobs must be at least 1, got \(jobs)" }
        if invalidEvery < 2 { return "invalidEvery must be at least 2, got \(invalidEvery)" }
        if duration < Self.minimumDuration {
            return "the schedule must last at least \(Self.minimumDuration.chaosSeconds) s to fit every fault, got \(duration.chaosSeconds) s"
        }
        if !(0.2...0.9).contains(productionShare) { return "productionShare must be within 0.2…0.9, got \(productionShare)" }
        if !(2...9).contains(workers) { return "workers must be 2…9 (one must survive a SIGKILL), got \(workers)" }
        if sessionTimeout < .seconds(1) || sessionTimeout > .seconds(30) {
            return "the session timeout must be 1…30 s, got \(sessionTimeout.chaosSeconds) s"
        }
        if stormFaults.isEmpty { return "at least one fault must be stormed" }
        return nil
    }
}

import AvatarWorker

/// Everything one simulated run does, drawn from its seed: the workload, the worker fleet, and which faults are on
/// and how often (swarm testing: each seed picks its own mix, so one run storms the API with 1303s and never
/// crashes while another kills a worker every few seconds behind a stalling broker).
public struct SimulationScenario: Sendable, CustomStringConvertible {
    /// The seed every random choice of the run derives from.
    public var seed: UInt64
    /// Jobs partitions (and ledger partitions).
    public var partitions: Int
    /// The fleet-wide cap on tasks in flight.
    public var fleetCap: Int
    /// Jobs produced.
    public var jobs: Int
    /// Worker processes at the start.
    public var workers: Int
    /// Fractions of jobs that break the contract or cannot be read at all.
    public var invalidFraction: Double
    public var unreadableFraction: Double
    /// Results, tombstones and offsets in Kafka transactions.
    public var exactlyOnce: Bool
    /// The ambiguity policy of every worker.
    public var policy: AmbiguousSubmissionPolicy
    /// Whether the API answers queries by `external_task_id`.
    public var queryByExternalID: Bool
    /// Whether the workers publish progress events.
    public var progressEvents: Bool
    /// Jobs are produced over this many virtual seconds.
    public var productionSeconds: Double
    /// Faults are injected until this virtual second; afterwards every job must end within `livenessBound`.
    public var faultsEndAt: Double
    /// How long after the faults end every job must have its terminal result.
    public var livenessBound: Double
    /// The group's session timeout.
    public var sessionTimeout: Double
    /// The API's request timeout (a create whose answer is lost fails as ambiguous after it).
    public var requestTimeout: Double

    /// Mean seconds between SIGKILLs of a random worker (nil: none).
    public var crashEvery: Double?
    /// Mean seconds between SIGTERMs of a random worker (nil: none).
    public var sigtermEvery: Double?
    /// Scale from all workers to one and back at these seconds (nil: no scaling).
    public var scaleDownAt: Double?
    public var scaleUpAt: Double?
    /// Broker stalls (SIGSTOP … SIGCONT): start second and length.
    public var brokerStalls: [(start: Double, seconds: Double)]
    /// Per-create fault probabilities at the API.
    public var createTransient: Double
    public var createThrottled: Double
    public var createResetBeforeRead: Double
    public var createAnswerLost: Double
    public var pollTransient: Double
    /// Fraction of valid jobs the API always refuses permanently (1201).
    public var poisonFraction: Double
    /// Fraction of tasks that end `failed`.
    public var taskFailure: Double
    /// Account outages (1100–1102 on every create): start second and length.
    public var accountOutages: [(start: Double, seconds: Double)]
    /// Parallel tasks other users of the account hold during these windows, so creates meet 1303 below the cap.
    public var foreignLoad: [(start: Double, seconds: Double, tasks: Int)]
    /// Kafka fault probabilities.
    public var writeFailure: Double
    public var publishFailure: Double
    public var commitFailure: Double
    public var readFailure: Double
    /// Seconds between scans of each owned ledger partition for its restore checkpoint.
    public var checkpointInterval: Double
    /// Probability that a worker is killed (SIGKILL) while a checkpoint commit it sent is in flight.
    public var checkpointCrash: Double
    /// A deliberate mistake in the core (the harness's teeth), or nil.
    package var plantedBug: PipelineCore.PlantedBug?

    /// The scenario of `seed`, with `jobs` jobs when given (the swarm picks everything else).
    public static func random(seed: UInt64, jobs: Int? = nil, plantedBug: String? = nil) -> SimulationScenario {
        var random = PipelineRandom(seed: seed ^ 0x5EED_CAFE_F00D_D00D)
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &random) < p }
        func pick(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &random) }
        func pickInt(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
        let partitions = pickInt(2...6)
        let productionSeconds = pick(20...120)
        let faultsEndAt = productionSeconds + pick(20...120)
        var stalls: [(Double, Double)] = []
        if chance(0.45) {
            for _ in 0..<pickInt(1...2) {
                stalls.append((pick(5...faultsEndAt), chance(0.5) ? pick(1...4) : pick(8...25)))
            }
            stalls.sort { $0.0 < $1.0 }
        }
        var outages: [(Double, Double)] = []
        if chance(0.2) { outages.append((pick(5...faultsEndAt), pick(10...80))) }
        var foreign: [(Double, Double, Int)] = []
        if chance(0.3) { foreign.append((pick(0...faultsEndAt), pick(20...120), pickInt(1...8))) }
        let scaling = chance(0.25)
        let scaleDown = scaling ? pick(5...faultsEndAt * 0.6) : nil
        let policies: [AmbiguousSubmissionPolicy] = [.fail, .fail, .reconcileThenFail, .resubmit]
        let policy = policies[pickInt(0...3)]
        let queryByExternalID = policy == .resubmit ? true : chance(0.5)
        let stormy = chance(0.5)
        let jobCount = jobs ?? pickInt(120...250)
        let fleetCap = partitions * pickInt(1...4)
        return SimulationScenario(
            seed: seed,
            partitions: partitions,
            fleetCap: fleetCap,
            jobs: jobCount,
            workers: pickInt(1...4),
            invalidFraction: chance(0.5) ? pick(0...0.15) : 0,
            unreadableFraction: chance(0.5) ? pick(0...0.08) : 0,
            exactlyOnce: chance(0.25),
            policy: policy,
            queryByExternalID: queryByExternalID,
            progressEvents: chance(0.3),
            productionSeconds: productionSeconds,
            faultsEndAt: faultsEndAt,
            // Enough for the whole workload at the cap (tasks run 2-60 s, polls every 3-10 s), twice over.
            livenessBound: 600 + Double(jobCount) / Double(fleetCap) * 60,
            sessionTimeout: 6,
            requestTimeout: 10,
            crashEvery: chance(0.6) ? pick(3...30) : nil,
            sigtermEvery: chance(0.4) ? pick(5...40) : nil,
            scaleDownAt: scaleDown,
            scaleUpAt: scaleDown.map { $0 + pick(5...30) },
            brokerStalls: stalls,
            createTransient: stormy ? pick(0...0.3) : 0,
            createThrottled: stormy ? pick(0...0.15) : 0,
            createResetBeforeRead: stormy ? pick(0...0.05) : 0,
            createAnswerLost: chance(0.4) ? pick(0...0.05) : 0,
            pollTransient: stormy ? pick(0...0.3) : 0,
            poisonFraction: chance(0.3) ? pick(0...0.05) : 0,
            taskFailure: pick(0...0.1),
            accountOutages: outages,
            foreignLoad: foreign,
            writeFailure: chance(0.3) ? pick(0...0.05) : 0,
            publishFailure: chance(0.3) ? pick(0...0.05) : 0,
            commitFailure: chance(0.3) ? pick(0...0.1) : 0,
            readFailure: chance(0.2) ? pick(0...0.2) : 0,
            checkpointInterval: pick(0.5...15),
            checkpointCrash: chance(0.3) ? pick(0...0.1) : 0,
            plantedBug: plantedBug.flatMap(PipelineCore.PlantedBug.init(rawValue:)))
    }

    public var description: String {
        var parts = [
            "seed \(seed)", "\(jobs) jobs", "\(partitions) partitions", "cap \(fleetCap)", "\(workers) workers",
            exactlyOnce ? "exactly-once" : "at-least-once", "policy \(policy)",
        ]
        if let crashEvery { parts.append("SIGKILL every ~\(Int(crashEvery)) s") }
        if let sigtermEvery { parts.append("SIGTERM every ~\(Int(sigtermEvery)) s") }
        if scaleDownAt != nil { parts.append("scale to 1 and back") }
        if !brokerStalls.isEmpty { parts.append("broker stalls \(brokerStalls.map { "\(Int($0.seconds)) s" })") }
        if !accountOutages.isEmpty { parts.append("account outage") }
        if !foreignLoad.isEmpty { parts.append("foreign load (1303)") }
        if let plantedBug { parts.append("planted bug \(plantedBug.rawValue)") }
        return parts.joined(separator: ", ")
    }
}

import AvatarJobs
import AvatarWorker
import CometAPI
import Foundation
import HeapModule

/// The world the pipeline core lives in, simulated: Kafka (partitioned logs, commits, a group coordinator with
/// cooperative rebalances, session timeouts and stalls), CometAPI (tasks with durations, every fault class, 1303 at
/// the account's parallel limit, lost answers), worker processes that crash and restart, and one virtual clock.
///
/// The cores under test are the real `PipelineCore`s (with the real lifecycle, offset ledgers, capacity, gate and
/// retry policy); only the world around them is simulated. One seed drives every random choice, and events at the
/// same instant are ordered by a draw from it, so a run replays exactly. The world calls each core synchronously,
/// one event at a time, from a single loop.
final class SimulatedWorld {
    let scenario: SimulationScenario
    var random: PipelineRandom
    var now: Double = 0
    var queue = Heap<QueuedEvent>()
    var sequence: UInt64 = 0
    let epoch = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z

    // Kafka
    var jobsLog: [[Int]]  // per partition: job index at each offset
    var tasksLog: [[LedgerEntry]]
    var resultsLog: [ResultEntry] = []
    var deadLetters = 0
    var committed: [Int64?]
    /// Each ledger partition's restore checkpoint as the group holds it, and the offset of each live key's latest
    /// record (the checks' own oracle, independent of the fold the cores use).
    var checkpoints: [Int64?]
    var liveLedgerKeys: [[String: Int64]]
    var checkpointsCommitted = 0
    var restoresFromCheckpoint = 0
    var coordinator = Coordinator()
    var kafkaEpochCounter: UInt64 = 0
    var landingClock: [String: Double] = [:]

    // API
    var tasks: [String: SimulatedTask] = [:]
    var taskByExternalID: [String: String] = [:]
    var taskCounter = 0
    var runningFinishTimes = Heap<Double>()

    // Workers (the cores apart from the rest, so a worker's bookkeeping is never copied with its core)
    var workers: [SimulatedWorker] = []
    var cores: [PipelineCore?] = []

    // Jobs and the checks
    var jobs: [SimulatedJob] = []
    var jobIndexByID: [String: Int] = [:]
    var jobIndexByExternalID: [String: Int] = [:]
    var checks: SimulationChecks
    var faults = FaultCounters()
    var tracedJob: String?
    var trace: [String] = []
    var finished = false
    /// Development aid: how often each kind of event was handled.
    var countsEvents = false
    var eventCounts: [String: Int] = [:]

    func eventName(_ event: WorldEvent) -> String {
        switch event {
        case .feed(_, _, let coreEvent):
            switch coreEvent {
            case .consumed: "feed consumed"
            case .ledgerWritten: "feed ledgerWritten"
            case .createAnswered: "feed createAnswered"
            case .polled: "feed polled"
            case .published: "feed published"
            case .committed: "feed committed"
            case .transactionEnded: "feed transactionEnded"
            default: "feed other"
            }
        default: String(describing: event).prefix(while: { $0 != "(" }).description
        }
    }

    init(scenario: SimulationScenario, tracing jobID: String? = nil) {
        self.scenario = scenario
        self.random = PipelineRandom(seed: scenario.seed)
        self.tracedJob = jobID
        jobsLog = Array(repeating: [], count: scenario.partitions)
        tasksLog = Array(repeating: [], count: scenario.partitions)
        committed = Array(repeating: nil, count: scenario.partitions)
        checkpoints = Array(repeating: nil, count: scenario.partitions)
        liveLedgerKeys = Array(repeating: [:], count: scenario.partitions)
        checks = SimulationChecks(partitions: scenario.partitions)
        makeJobs()
    }

    // MARK: The event loop

    struct QueuedEvent: Comparable {
        let time: Double
        let tie: UInt64
        let sequence: UInt64
        let event: WorldEvent

        static func < (lhs: QueuedEvent, rhs: QueuedEvent) -> Bool {
            (lhs.time, lhs.tie, lhs.sequence) < (rhs.time, rhs.tie, rhs.sequence)
        }

        static func == (lhs: QueuedEvent, rhs: QueuedEvent) -> Bool {
            lhs.time == rhs.time && lhs.tie == rhs.tie && lhs.sequence == rhs.sequence
        }
    }

    func schedule(_ event: WorldEvent, at time: Double) {
        sequence += 1
        queue.insert(QueuedEvent(time: max(time, now), tie: random.next(), sequence: sequence, event: event))
    }

    func after(_ delay: Double, _ event: WorldEvent) {
        schedule(event, at: now + delay)
    }

    /// Runs the scenario to its end: every job has a terminal result after the faults stopped, or the liveness
    /// bound passed, or a safety invariant broke.
    func run() -> SimulationResult {
        start()
        var endAt = scenario.faultsEndAt + scenario.livenessBound
        var settling = false
        var steps = 0
        while let next = queue.popMin() {
            if next.time > endAt { break }
            now = next.time
            if countsEvents { eventCounts[eventName(next.event), default: 0] += 1 }
            handle(next.event)
            steps += 1
            if checks.firstViolation != nil { break }
            if steps > 400 * scenario.jobs + 200_000 {
                checks.violate(.runaway, job: nil, "more than \(steps) world events: a livelock (something repeats without end)")
                break
            }
            if !settling, now > scenario.faultsEndAt, allJobsEnded() {
                // Every job ended: a quiet minute more for the last commits and tombstones, then the ledger must be
                // clean.
                settling = true
                endAt = now + Self.settleSeconds
            }
        }
        if checks.firstViolation == nil, settling { checkLedgerClean() }
        if checks.firstViolation == nil { checkAtEnd() }
        return SimulationResult(
            scenario: scenario, violation: checks.firstViolation, faults: faults, steps: steps, virtualSeconds: now,
            jobsEnded: jobs.filter(\.ended).count, fingerprint: fingerprint(), checkpointsCommitted: checkpointsCommitted,
            restoresFromCheckpoint: restoresFromCheckpoint, trace: trace)
    }

    func handle(_ event: WorldEvent) {
        switch event {
        case .produce(let index): produce(index)
        case .deliver(let slot, let incarnation, let partition): deliver(slot, incarnation, partition)
        case .feed(let slot, let incarnation, let coreEvent): feed(slot, incarnation, coreEvent)
        case .tick(let slot, let incarnation): tick(slot, incarnation)
        case .land(let landing): land(landing)
        case .commitArrives(let commit): commitArrives(commit)
        case .transactionArrives(let transaction): transactionArrives(transaction)
        case .apiCreate(let call): apiCreate(call)
        case .apiQuery(let slot, let incarnation, let id, let taskID): apiQuery(slot, incarnation, id, taskID)
        case .apiReconcile(let slot, let incarnation, let id, let externalID): apiReconcile(slot, incarnation, id, externalID)
        case .ledgerReadArrives(let slot, let incarnation, let id, let partition, let from):
            ledgerReadArrives(slot, incarnation, id, partition, from)
        case .ledgerScanArrives(let slot, let incarnation, let id, let partition, let from):
            ledgerScanArrives(slot, incarnation, id, partition, from)
        case .checkpointArrives(let slot, let incarnation, let id, let partition, let offset):
            checkpointArrives(slot, incarnation, id, partition, offset)
        case .crashSomeone: crashSomeone()
        case .crashWorker(let slot, let incarnation): crashWorker(slot, incarnation)
        case .sigtermSomeone: sigtermSomeone()
        case .startWorker(let slot): startWorker(slot)
        case .joinGroup(let slot, let incarnation): joinGroup(slot, incarnation)
        case .scaleDown: scaleDown()
        case .scaleUp: scaleUp()
        case .stallDetected(let index): stallDetected(index)
        case .stallEnded(let index): stallEnded(index)
        case .memberExpired(let slot, let incarnation): memberExpired(slot, incarnation)
        case .rebalance: rebalance()
        case .assignPhase(let generation): assignPhase(generation)
        case .autoCommit: autoCommit()
        }
    }

    // MARK: Time

    /// The wall-clock instant of virtual second `time`.
    func instant(_ time: Double) -> WallClock.Instant {
        WallClock.Instant(epoch.addingTimeInterval(time))
    }

    func uniform(_ range: ClosedRange<Double>) -> Double { Double.random(in: range, using: &random) }
    func chance(_ probability: Double) -> Bool { probability > 0 && Double.random(in: 0..<1, using: &random) < probability }
    var faultsOn: Bool { now < scenario.faultsEndAt }

    /// The broker stall covering `time`, if any.
    func stall(at time: Double) -> (start: Double, seconds: Double)? {
        scenario.brokerStalls.first { time >= $0.start && time < $0.start + $0.seconds }
    }

    /// When a broker operation sent at `time` taking `latency` completes: a stalled broker answers after it resumes.
    func kafkaTime(_ latency: Double, from time: Double? = nil) -> Double {
        let done = (time ?? now) + latency
        if let stall = stall(at: done) { return stall.start + stall.seconds + latency }
        return done
    }

    // MARK: Tracing

    func note(_ jobID: String?, _ text: @autoclosure () -> String) {
        guard let tracedJob, jobID == tracedJob else { return }
        trace.append(String(format: "%9.3f  ", now) + text())
    }

    /// Notes an event of `partition` when it is the traced job's partition.
    func note(partition: Int32, _ text: @autoclosure () -> String) {
        guard let tracedJob, let index = jobIndexByID[tracedJob], jobs[index].partition == partition else { return }
        trace.append(String(format: "%9.3f  ", now) + "[p\(partition)] " + text())
    }

    /// How long the run goes on after every job ended, for the ledger to be cleaned up.
    static let settleSeconds: Double = 60

    /// Every job ended a while ago: no ledger record may still be live (each was tombstoned after its commit).
    func checkLedgerClean() {
        for (partition, log) in tasksLog.enumerated() {
            var live: [String: Int] = [:]
            for (offset, entry) in log.enumerated() {
                if entry.record == nil { live[entry.jobID] = nil } else { live[entry.jobID] = offset }
            }
            if let (jobID, offset) = live.sorted(by: { $0.value < $1.value }).first {
                checks.violate(.ledgerNotClean, job: jobIndexByID[jobID] != nil ? jobID : nil,
                               "ledger partition \(partition) still holds a live record for \(jobID) (offset \(offset)) \(Int(Self.settleSeconds)) s after every job ended; \(live.count) live in all")
                return
            }
        }
    }

    func allJobsEnded() -> Bool {
        jobs.allSatisfy(\.ended)
    }

    /// A digest of what the run did (results, tasks, commits): two runs of one seed must agree on it.
    func fingerprint() -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ text: String) {
            for byte in text.utf8 {
                hash ^= UInt64(byte)
                hash = hash &* 0x0000_0100_0000_01B3
            }
        }
        for entry in resultsLog {
            mix("\(entry.event.jobID)|\(entry.event.eventID)|\(entry.event.type.rawValue)|\(entry.writer)|\(entry.time.bitPattern)")
        }
        mix("tasks \(taskCounter) dead \(deadLetters)")
        for offset in committed { mix("c\(offset ?? -1)") }
        for offset in checkpoints { mix("k\(offset ?? -1)") }
        for log in tasksLog { mix("l\(log.count)") }
        return hash
    }
}

/// One event of the world's queue.
enum WorldEvent {
    case produce(Int)
    case deliver(slot: Int, incarnation: Int, partition: Int32)
    case feed(slot: Int, incarnation: Int, PipelineCore.Event)
    case tick(slot: Int, incarnation: Int)
    case land(Landing)
    case commitArrives(PendingCommit)
    case transactionArrives(PendingTransaction)
    case apiCreate(PendingCreate)
    case apiQuery(slot: Int, incarnation: Int, id: UInt64, taskID: String)
    case apiReconcile(slot: Int, incarnation: Int, id: UInt64, externalTaskID: String)
    case ledgerReadArrives(slot: Int, incarnation: Int, id: UInt64, partition: Int32, from: Int64?)
    case ledgerScanArrives(slot: Int, incarnation: Int, id: UInt64, partition: Int32, from: Int64)
    case checkpointArrives(slot: Int, incarnation: Int, id: UInt64, partition: Int32, offset: Int64)
    case crashSomeone
    case crashWorker(slot: Int, incarnation: Int)
    case sigtermSomeone
    case startWorker(Int)
    case joinGroup(slot: Int, incarnation: Int)
    case scaleDown
    case scaleUp
    case stallDetected(Int)
    case stallEnded(Int)
    case memberExpired(slot: Int, incarnation: Int)
    case rebalance
    case assignPhase(Int)
    case autoCommit
}

/// A record reaching a log.
struct Landing {
    enum Kind {
        case ledger(partition: Int32, jobID: String, record: AvatarTaskRecord?)
        case result(AvatarResultEvent)
        case deadLetter(jobKey: String?)
    }

    let kind: Kind
    /// The worker incarnation that wrote it (`w<slot>.<incarnation>`).
    let writer: String
}

/// One record of a ledger partition.
struct LedgerEntry {
    let jobID: String
    let record: AvatarTaskRecord?
}

/// One result event as it landed.
struct ResultEntry {
    let event: AvatarResultEvent
    let writer: String
    let time: Double
}

struct PendingCommit {
    let slot: Int
    let incarnation: Int
    let id: UInt64
    let offsets: [Int32: Int64]
    let automatic: Bool
}

struct PendingTransaction {
    let slot: Int
    let incarnation: Int
    let id: UInt64
    let records: [PipelineCore.OutgoingRecord]
    let offsets: [Int32: Int64]
}

struct PendingCreate {
    let slot: Int
    let incarnation: Int
    let id: UInt64
    let call: PipelineCore.CreateCall
    let sentAt: Double
}

/// A task at the simulated API.
struct SimulatedTask {
    let taskID: String
    let job: Int
    let createdAt: Double
    let finishesAt: Double
    let succeeds: Bool
}

/// One job of the workload and what the checks know about it.
struct SimulatedJob {
    enum Kind { case valid, invalid, unreadable, unreadableWithID }
    let id: String
    let kind: Kind
    let partition: Int32
    var offset: Int64 = -1
    let intake: PipelineCore.Intake
    let poison: Bool
    let mode: AvatarJobs.AvatarMode
    /// Tasks the API created for it.
    var tasksCreated = 0
    /// Terminal event ids and types seen in the results topic, in order, with their writers.
    var terminalEventIDs: [String] = []
    var terminalTypes: [AvatarResultEvent.EventType] = []
    var terminalWriters: [String] = []
    var terminalCodes: [String?] = []
    /// A `submitted` or `published` record, or a terminal event, landed: the job's fate is durable.
    var durable = false
    /// A create of it lost its answer in transport.
    var answerLost = false
    /// Incarnations that wrote a `submitting` record of it.
    var submittingWriters: Set<String> = []
    /// Its dead letter landed.
    var deadLettered = false
    /// Some worker decided its terminal result (it may not have landed yet); its task no longer takes a slot there.
    var decided = false

    /// Whether the job reached its end: a terminal event, or for a message without a job id, its dead letter.
    var ended: Bool { !terminalEventIDs.isEmpty || (kind == .unreadable && deadLettered) }
}

/// The world's group coordinator: members, the owner of each partition, a rebalance in progress.
struct Coordinator {
    /// Joined members (worker incarnations, `w<slot>.<incarnation>`) and their slots.
    var members: [String: Int] = [:]
    var owner: [Int32: String] = [:]
    var generation = 0
    /// A rebalance is scheduled and has not started.
    var rebalanceScheduled = false
    /// A rebalance started and waits for revocations or its assignment.
    var rebalancing = false
    var rebalanceAgain = false
    /// Revocations the current rebalance waits for, per member.
    var awaiting: [String: Set<Int32>] = [:]
    var target: [Int32: String] = [:]

    mutating func remove(_ member: String) {
        members[member] = nil
        for (partition, owner) in owner where owner == member { self.owner[partition] = nil }
        awaiting[member] = nil
    }
}

/// A worker process slot: its current incarnation and what its consumer holds.
struct SimulatedWorker {
    let slot: Int
    var incarnation = 0
    var running = false
    var shuttingDown = false
    var restartAfterStop = true
    var assigned: [Int32: UInt64] = [:]
    var paused: Set<Int32> = []
    var position: [Int32: Int64] = [:]
    var stored: [Int32: Int64] = [:]
    var deliveryScheduled: Set<Int32> = []
    var tickAt: Double?
    /// Jobs this incarnation decided a terminal result for (no poll of their task may follow).
    var decided: Set<String> = []

    var name: String { "w\(slot).\(incarnation)" }
}

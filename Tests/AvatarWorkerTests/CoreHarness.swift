import AvatarJobs
import AvatarWorker
import Foundation

/// Drives a real `PipelineCore` by hand for the core's tests: a manual wall clock, the commands of the last step,
/// and helpers that answer them as Kafka and the API would. No I/O, no sleeping: a test says what happens and when.
struct CoreHarness {
    var core: PipelineCore
    var now: WallClock.Instant
    /// The commands of the last step.
    private(set) var last: [PipelineCore.Command] = []
    /// Every command since the harness started.
    private(set) var all: [PipelineCore.Command] = []
    /// Commits and transactions answered so far.
    private var answeredCommits: Set<UInt64> = []

    static let start = WallClock.Instant(Date(timeIntervalSince1970: 1_800_000_000))

    init(options: PipelineCore.Options = CoreHarness.options(), fleetCap: Int = 4, partitions: Int = 2) {
        now = Self.start
        core = PipelineCore(
            options: options, capacity: try! InFlightCapacity(fleetCap: fleetCap, partitionCount: partitions), now: Self.start)
    }

    /// The worker's options with a fixed seed and no jitter, so delays are exact.
    static func options(
        policy: AmbiguousSubmissionPolicy = .fail, exactlyOnce: Bool = false, maxConcurrentCreates: Int = 8,
        pollLimits: PollLimits = PollLimits(), createAttempts: Int = 30, progressEvents: Bool = false
    ) -> PipelineCore.Options {
        PipelineCore.Options(
            worker: AvatarResultEvent.WorkerInfo(id: "test-worker"),
            lifecycle: JobLifecycle.Options(ambiguousSubmission: policy, publishesResultWithTombstone: exactlyOnce),
            exactlyOnce: exactlyOnce,
            pollPolicy: PollPolicy(jitter: 0),
            pollLimits: pollLimits,
            maxConcurrentCreates: maxConcurrentCreates,
            createRetry: .exponentialJitter(maximumAttempts: createAttempts, baseDelay: .seconds(1), maximumDelay: .seconds(30)),
            accountProbeInterval: .seconds(60),
            commitInterval: .milliseconds(500),
            handoverDeadline: .seconds(30),
            priorOwnerGrace: .seconds(40),
            progressEvents: progressEvents,
            seed: 1)
    }

    // MARK: Feeding

    @discardableResult
    mutating func handle(_ event: PipelineCore.Event) -> [PipelineCore.Command] {
        last = core.handle(event, at: now)
        all += last
        return last
    }

    /// Moves the clock and lets due timers fire.
    @discardableResult
    mutating func advance(_ duration: Duration) -> [PipelineCore.Command] {
        now = now.advanced(by: duration)
        return handle(.tick)
    }

    /// Assigns `partition` and answers its restore with `records` (in ledger order) and `committed`.
    @discardableResult
    mutating func assign(
        _ partition: Int32, kafkaEpoch: UInt64 = 1, records: [(String, AvatarTaskRecord?)] = [], committed: Int64? = nil
    ) -> [PipelineCore.Command] {
        handle(.assigned([PipelineCore.AssignedPartition(partition: partition, kafkaEpoch: kafkaEpoch)]))
        guard let read = readLedgers.last else { return last }
        return handle(.ledgerRead(id: read.id, Self.read(Self.index(records), committed: committed, from: 0, end: Int64(records.count))))
    }

    /// A restore's answer: `index`, read over `from..<end`, with the jobs partition committed at `committed`.
    static func read(
        _ index: TaskLedgerIndex<AvatarTaskRecord>, committed: Int64? = nil, from: Int64, end: Int64
    ) -> PipelineCore.LedgerReadResult {
        .read(index, committedOffset: committed, ledger: LedgerLiveOffsets(restored: index, from: from, end: end))
    }

    static func index(_ records: [(String, AvatarTaskRecord?)], from offset: Int64 = 0) -> TaskLedgerIndex<AvatarTaskRecord> {
        var index = TaskLedgerIndex<AvatarTaskRecord>()
        for (position, (jobID, record)) in records.enumerated() {
            index.apply(offset: offset + Int64(position), jobID: jobID, record: TaskLedgerRecord(record))
        }
        return index
    }

    /// Delivers a job message.
    @discardableResult
    mutating func consume(
        _ intake: PipelineCore.Intake, partition: Int32 = 0, offset: Int64, kafkaEpoch: UInt64 = 1, key: String = "k"
    ) -> [PipelineCore.Command] {
        handle(.consumed(PipelineCore.ConsumedMessage(
            partition: partition, offset: offset, kafkaEpoch: kafkaEpoch, traceparent: nil, intake: intake,
            raw: PipelineCore.RawMessage(topic: "avatar.jobs", key: Array(key.utf8), value: nil))))
    }

    @discardableResult
    mutating func consume(
        _ jobID: String, partition: Int32 = 0, offset: Int64, kafkaEpoch: UInt64 = 1, mode: AvatarMode = .std
    ) -> [PipelineCore.Command] {
        consume(.valid(Self.job(jobID, mode: mode)), partition: partition, offset: offset, kafkaEpoch: kafkaEpoch, key: jobID)
    }

    static func job(_ jobID: String, mode: AvatarMode = .std) -> ValidatedJob {
        ValidatedJob(
            job: AvatarJob(jobID: jobID, image: .url("https://cdn.example/p.png"), audio: .audioID("tts-1"), mode: mode),
            imageInfo: nil, audioInfo: nil, deadlineSeconds: 3600, notes: [])
    }

    /// A `submitting` (or, with `taskID`, `submitted`) record another worker wrote for `jobID` at `offset`, a
    /// minute ago.
    func record(_ jobID: String, partition: Int32 = 0, offset: Int64, taskID: String? = nil) -> AvatarTaskRecord {
        let then = now.date.addingTimeInterval(-60)
        let record = AvatarTaskRecord(
            submitting: Self.job(jobID), attempt: 1, partition: Int(partition), offset: offset, now: then,
            submitDeadline: then.addingTimeInterval(900), traceparent: nil,
            worker: AvatarResultEvent.WorkerInfo(id: "previous-owner"))
        return taskID.map { record.submitted(taskID: $0, at: then) } ?? record
    }

    // MARK: Answering

    /// Acknowledges every ledger write of the last step (or fails them).
    @discardableResult
    mutating func ackWrites(succeeded: Bool = true) -> [PipelineCore.Command] {
        var answered: [PipelineCore.Command] = []
        for write in ledgerWrites { answered += handle(.ledgerWritten(id: write.id, succeeded: succeeded)) }
        last = answered
        return answered
    }

    /// Acknowledges every publication of the last step.
    @discardableResult
    mutating func ackPublications(succeeded: Bool = true) -> [PipelineCore.Command] {
        var answered: [PipelineCore.Command] = []
        for publication in publications { answered += handle(.published(id: publication.id, succeeded: succeeded)) }
        last = answered
        return answered
    }

    /// Answers the last step's create calls with a task each (`task-<job id>`).
    @discardableResult
    mutating func createTasks() -> [PipelineCore.Command] {
        var answered: [PipelineCore.Command] = []
        for create in creates {
            answered += handle(.createAnswered(id: create.id, .created(taskID: "task-\(create.call.job.job.jobID)")))
        }
        last = answered
        return answered
    }

    /// Runs a job from its message to polling: consumed, `submitting` acked, created, `submitted` acked.
    mutating func startPolling(_ jobID: String, partition: Int32 = 0, offset: Int64) {
        consume(jobID, partition: partition, offset: offset)
        ackWrites()
        createTasks()
        ackWrites()
    }

    /// Lets the commit timer fire and answers every commit and transaction asked for so far and not answered.
    @discardableResult
    mutating func commitRound(succeeded: Bool = true) -> [PipelineCore.Command] {
        var answered = advance(.milliseconds(500))
        for command in all {
            switch command {
            case .commit(let id, _) where !answeredCommits.contains(id):
                answeredCommits.insert(id)
                answered += handle(.committed(id: id, succeeded: succeeded))
            case .transaction(let id, _, _) where !answeredCommits.contains(id):
                answeredCommits.insert(id)
                answered += handle(.transactionEnded(id: id, succeeded: succeeded))
            default:
                continue
            }
        }
        last = answered
        return answered
    }

    // MARK: Reading the last step

    var ledgerWrites: [(id: UInt64, write: PipelineCore.LedgerWrite)] {
        last.compactMap { if case .writeLedger(let id, let write) = $0 { (id, write) } else { nil } }
    }

    var readLedgers: [(id: UInt64, partition: Int32, from: Int64?)] {
        last.compactMap { if case .readLedger(let id, let partition, let from) = $0 { (id, partition, from) } else { nil } }
    }

    var scans: [(id: UInt64, partition: Int32, from: Int64)] {
        last.compactMap { if case .scanLedger(let id, let partition, let from) = $0 { (id, partition, from) } else { nil } }
    }

    var checkpointCommits: [(id: UInt64, partition: Int32, offset: Int64)] {
        last.compactMap {
            if case .commitCheckpoint(let id, let partition, let offset) = $0 { (id, partition, offset) } else { nil }
        }
    }

    /// The observations of the last step.
    var observations: [PipelineCore.Observation] {
        last.compactMap { if case .observe(let observation) = $0 { observation } else { nil } }
    }

    var creates: [(id: UInt64, call: PipelineCore.CreateCall)] {
        last.compactMap { if case .create(let id, let call) = $0 { (id, call) } else { nil } }
    }

    var queries: [(id: UInt64, taskID: String)] {
        last.compactMap { if case .query(let id, let taskID) = $0 { (id, taskID) } else { nil } }
    }

    var reconciles: [(id: UInt64, externalTaskID: String)] {
        last.compactMap { if case .reconcile(let id, let external) = $0 { (id, external) } else { nil } }
    }

    var publications: [(id: UInt64, records: [PipelineCore.OutgoingRecord])] {
        last.compactMap { if case .publish(let id, let records) = $0 { (id, records) } else { nil } }
    }

    var commits: [(id: UInt64, offsets: [Int32: Int64])] {
        last.compactMap { if case .commit(let id, let offsets) = $0 { (id, offsets) } else { nil } }
    }

    var transactions: [(id: UInt64, records: [PipelineCore.OutgoingRecord], offsets: [Int32: Int64])] {
        last.compactMap { if case .transaction(let id, let records, let offsets) = $0 { (id, records, offsets) } else { nil } }
    }

    var storedOffsets: [Int64] {
        last.compactMap { if case .storeOffset(_, let offset, _) = $0 { offset } else { nil } }
    }

    var finishedRevocations: [Int32] {
        last.flatMap { command -> [Int32] in
            if case .finishRevocation(let partitions) = command { return partitions }
            return []
        }
    }

    var pauses: [Int32] { last.compactMap { if case .pause(let p) = $0 { p } else { nil } } }
    var resumes: [Int32] { last.compactMap { if case .resume(let p) = $0 { p } else { nil } } }
    var drained: Bool { last.contains { if case .drained = $0 { true } else { false } } }

    /// The result events of the last step's publications and transactions.
    var results: [AvatarResultEvent] {
        (publications.flatMap(\.records) + transactions.flatMap(\.records)).compactMap {
            if case .result(let event, _) = $0 { event } else { nil }
        }
    }

    /// Every result event published since the start.
    var allResults: [AvatarResultEvent] {
        all.flatMap { command -> [PipelineCore.OutgoingRecord] in
            switch command {
            case .publish(_, let records), .transaction(_, let records, _): records
            default: []
            }
        }.compactMap { if case .result(let event, _) = $0 { event } else { nil } }
    }

    /// Every create call since the start.
    var allCreates: Int { all.filter { if case .create = $0 { true } else { false } }.count }
}

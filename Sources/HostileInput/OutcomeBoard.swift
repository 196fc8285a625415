import AvatarJobs
import Kafka

/// Everything the run has seen so far: the messages produced (where they landed and what was done to them), the
/// terminal result events by job id and the DLQ entries by original partition and offset. ``account()`` decides
/// each message's fate from these, so progress can be measured while the run goes on and judged at its end.
actor OutcomeBoard {
    /// A message as produced.
    struct Produced: Sendable {
        var index: Int
        var jobID: String
        var mutations: [String]
        var family: String
        var otherJobIDs: [String]
        var partition: Int32
        var offset: Int64
    }

    /// What became of a message.
    enum Fate: Hashable, Sendable {
        /// A `succeeded` event: the mutation left the job valid.
        case succeeded
        /// A `failed` event with this code and no DLQ entry.
        case failed(code: String)
        /// A DLQ entry with this code (and, when a job id could be recovered, a `failed` event too).
        case deadLettered(code: String)
    }

    /// One terminal event as received.
    struct Terminal: Sendable {
        var type: AvatarResultEvent.EventType
        var code: String?
        var eventIDs: Set<String>
    }

    private(set) var produced: [Produced] = []
    private var terminal: [String: Terminal] = [:]
    private var letters: [Int32: [Int64: String]] = [:]
    private var unreadableResults = 0
    private var lettersWithoutOrigin = 0
    /// Indexes of messages without a fate yet, by the job ids they carry and by where they landed, so each arriving
    /// record settles its messages in constant time (a run has 100,000 messages; rescanning them all on every
    /// check made the fuzzer, not the worker, the bottleneck).
    private var waitingByJobID: [String: [Int]] = [:]
    private var waitingByPosition: [Int32: [Int64: Int]] = [:]
    private var settled: [Bool] = []
    /// How many produced messages have a fate so far.
    private(set) var settledCount = 0

    func add(_ batch: [Produced]) {
        for message in batch {
            let index = produced.count
            produced.append(message)
            settled.append(false)
            if fate(of: message) != nil {
                settle(index)
                continue
            }
            for jobID in [message.jobID] + message.otherJobIDs { waitingByJobID[jobID, default: []].append(index) }
            waitingByPosition[message.partition, default: [:]][message.offset] = index
        }
    }

    /// Records a record from the results topic.
    func addResult(_ record: KafkaConsumerMessage) {
        guard let value = record.value, let event = try? ContractCoding.decodeEvent(value) else {
            unreadableResults += 1
            return
        }
        guard event.type.isTerminal else { return }
        var entry = terminal[event.jobID] ?? Terminal(type: event.type, code: event.error?.code, eventIDs: [])
        entry.eventIDs.insert(event.eventID)
        terminal[event.jobID] = entry
        for index in waitingByJobID.removeValue(forKey: event.jobID) ?? [] { settle(index) }
    }

    /// Records a record from the DLQ topic.
    func addDeadLetter(_ record: KafkaConsumerMessage) {
        guard let partition = record.header("original-partition")?.text.flatMap(Int32.init),
              let offset = record.header("original-offset")?.text.flatMap(Int64.init)
        else {
            lettersWithoutOrigin += 1
            return
        }
        letters[partition, default: [:]][offset] = record.header("error-code")?.text ?? ""
        if let index = waitingByPosition[partition]?.removeValue(forKey: offset) { settle(index) }
    }

    private func settle(_ index: Int) {
        guard !settled[index] else { return }
        settled[index] = true
        settledCount += 1
    }

    /// Every message's fate (nil: none yet), and the breaches of the contract found on the way.
    func account(knownCodes: Set<String>) -> Accounting {
        var accounting = Accounting()
        var attributed = Set<String>()
        for message in produced {
            attributed.insert(message.jobID)
            attributed.formUnion(message.otherJobIDs)
            guard let fate = fate(of: message) else {
                accounting.unsettled.append(message)
                continue
            }
            accounting.fates.append((message, fate))
        }
        for (jobID, entry) in terminal {
            if !attributed.contains(jobID) {
                accounting.violations.append("a terminal event for job id '\(jobID.prefix(80))', which no message carried")
            }
            if entry.eventIDs.count > 1 {
                accounting.violations.append("job \(jobID.prefix(80)) has \(entry.eventIDs.count) different terminal events")
            }
            if entry.type == .failed, !(entry.code.map(knownCodes.contains) ?? false) {
                accounting.violations.append("job \(jobID.prefix(80)) failed with an untyped code '\(entry.code ?? "none")'")
            }
        }
        for code in Set(letters.values.flatMap(\.values)) where !knownCodes.contains(code) {
            accounting.violations.append("a DLQ entry with an untyped code '\(code)'")
        }
        if unreadableResults > 0 { accounting.violations.append("\(unreadableResults) result records are not result events") }
        if lettersWithoutOrigin > 0 {
            accounting.violations.append("\(lettersWithoutOrigin) DLQ entries lack original-partition/original-offset headers")
        }
        return accounting
    }

    private func fate(of message: Produced) -> Fate? {
        if let code = letters[message.partition]?[message.offset] { return .deadLettered(code: code) }
        for jobID in [message.jobID] + message.otherJobIDs {
            guard let entry = terminal[jobID] else { continue }
            return entry.type == .succeeded ? .succeeded : .failed(code: entry.code ?? "")
        }
        return nil
    }

    /// The board's judgement at one moment.
    struct Accounting: Sendable {
        var fates: [(Produced, Fate)] = []
        var unsettled: [Produced] = []
        var violations: [String] = []
    }
}

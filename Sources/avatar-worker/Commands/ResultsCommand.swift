import ArgumentParser
import AvatarJobs
import Foundation
import Kafka

/// `avatar-worker results`: prints result events, reading partitions directly (no consumer group, nothing
/// committed), so any number of people can watch the same topic without disturbing each other or the workers.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Print result events, filtered by job, type or error code, as a table or JSON lines; no consumer group.",
        discussion: """
            Start: --from-beginning (the oldest event; the command ends at the end unless --follow), --since TIME \
            (the first event at or after it, found by the broker's offsets-for-times; ends at the end unless \
            --follow), or neither (the current end, following). With --job-id only the partitions those ids map to \
            are read (the configured partitioner). Output: a table on a terminal, else the events as JSON lines \
            exactly as published; --format overrides.

            Examples:
              avatar-worker results --brokers kafka:9092 --follow
              avatar-worker results --since 2h --type failed --error-code 'api.*'
              avatar-worker results --from-beginning --job-id order-1842 --format json
            """
    )

    @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

    @Flag(help: "Start at the oldest event instead of the current end.")
    var fromBeginning = false

    @Option(help: ArgumentHelp("Start at the first event at or after this time: \(PointInTime.accepted).", valueName: "time"))
    var since: String?

    @Flag(help: "Keep waiting for new events after reaching the end (implied when neither start is given).")
    var follow = false

    @Option(name: .customLong("job-id"), help: "Only events of this job (repeatable).")
    var jobIDs: [String] = []

    @Option(name: .customLong("type"), help: "Only events of this type: submitted, processing, succeeded or failed (repeatable).")
    var types: [AvatarResultEvent.EventType] = []

    @Option(name: .customLong("error-code"), help: "Only failures with this error code, or a prefix ending in * such as api.* (repeatable).")
    var errorCodes: [String] = []

    @Option(help: "Stop after printing this many events.")
    var maxEvents: Int?

    @Option(help: "Output: auto (a table on a terminal, else JSON lines), text (the table) or json.")
    var format: OutputFormat = .auto

    func validate() throws {
        if let maxEvents, maxEvents < 1 { throw ValidationError("--max-events must be at least 1, got \(maxEvents)") }
        if fromBeginning, since != nil { throw ValidationError("give --from-beginning or --since, not both") }
        if let since, PointInTime.parse(since, now: Date()) == nil {
            throw ValidationError("--since \(since): expected \(PointInTime.accepted)")
        }
    }

    func run() async throws {
        let settings = try connection.settings()
        let filter = ResultFilter(jobIDs: Set(jobIDs), types: Set(types), errorCodes: errorCodes)
        var start = KafkaTopicTail.Start.end
        if fromBeginning { start = .beginning }
        if let since, let date = PointInTime.parse(since, now: Date()) {
            start = .time(milliseconds: Int64((date.timeIntervalSince1970 * 1000).rounded(.down)))
        }
        var tail = KafkaTopicTail(
            configuration: settings.readerConfiguration(), topic: settings.resultsTopic, start: start,
            follow: follow || (!fromBeginning && since == nil))
        if !jobIDs.isEmpty {
            let partitioner = try settings.partitioner()
            let count = try await KafkaAdmin(configuration: settings.readerConfiguration()).partitionCount(of: settings.resultsTopic)
            tail.partitions = Set(jobIDs.map { partitioner.partition(of: $0, partitionCount: count) })
        }
        let table = format.usesText ? ResultTable(terminal: Terminal.standardOutput() ?? Terminal(width: 200, height: 50)) : nil
        if let table { StandardOutput.line(table.header) }
        var printed = 0
        for try await record in tail.records() {
            guard let value = record.value, let event = try? ContractCoding.decodeEvent(value) else {
                guard filter.isEmpty else { continue }
                StandardOutput.line(table.map { _ in "(unreadable record at \(record.topicPartition)@\(record.offset))" }
                    ?? #"{"unreadable_value_bytes":\#(record.value?.count ?? 0)}"#)
                continue
            }
            guard filter.matches(event) else { continue }
            StandardOutput.line(table?.row(event) ?? record.valueText ?? "{}")
            printed += 1
            if let maxEvents, printed >= maxEvents { return }
        }
    }
}

extension AvatarResultEvent.EventType: ExpressibleByArgument {}

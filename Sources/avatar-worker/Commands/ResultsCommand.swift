import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker results`: prints result events as JSON lines, reading every partition directly (no consumer group,
/// nothing committed), so any number of people can watch the same topic without disturbing each other or the workers.
struct ResultsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "results",
        abstract: "Print result events (one JSON line each) from the results topic, without joining a consumer group.",
        discussion: """
            With --from-beginning the topic is read from its oldest event and the command ends at its end unless \
            --follow is given; without it the command starts at the current end and keeps following.
            """
    )

    @OptionGroup var connection: ClientConnectionOptions

    @Option(help: "Topic to read.")
    var topic = "avatar.results"

    @Flag(help: "Start at the oldest event instead of the current end.")
    var fromBeginning = false

    @Flag(help: "Keep waiting for new events after reaching the end (implied without --from-beginning).")
    var follow = false

    @Option(help: "Only print events of this job (the record key).")
    var jobID: String?

    @Option(help: "Stop after printing this many events.")
    var maxEvents: Int?

    func validate() throws {
        if let maxEvents, maxEvents < 1 { throw ValidationError("--max-events must be at least 1, got \(maxEvents)") }
    }

    func run() async throws {
        let tail = KafkaTopicTail(
            configuration: try connection.readerConfiguration(), topic: topic,
            start: fromBeginning ? .beginning : .end, follow: follow || !fromBeginning)
        var printed = 0
        for try await record in tail.records() {
            if let jobID, record.keyText != jobID { continue }
            StandardOutput.line(record.valueText ?? #"{"unreadable_value_bytes":\#(record.value?.count ?? 0)}"#)
            printed += 1
            if let maxEvents, printed >= maxEvents { return }
        }
    }
}

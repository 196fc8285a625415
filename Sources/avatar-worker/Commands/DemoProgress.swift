import AvatarJobs
import Foundation
import Kafka

/// Turns the demo's result events into progress lines: `[3/8] job demo-2 succeeded in 4.1 s video=…` for each job's
/// first terminal event, an indented line for progress events, nothing for a duplicate (same `event_id`).
struct DemoProgress {
    /// The jobs whose terminal events complete the demo.
    let expected: Set<String>
    /// When the jobs were produced.
    let started: ContinuousClock.Instant
    private var seenEvents: Set<String> = []
    private var ended: Set<String> = []

    init(expected: Set<String>, started: ContinuousClock.Instant) {
        self.expected = expected
        self.started = started
    }

    /// True once every expected job has a terminal event.
    var isComplete: Bool { expected.isSubset(of: ended) }

    /// The line for `record`, or nil when there is nothing new to say.
    mutating func record(_ record: KafkaConsumerMessage) -> String? {
        guard let value = record.value, let event = try? ContractCoding.decodeEvent(value) else {
            return "      (unreadable result record at \(record.topicPartition)@\(record.offset))"
        }
        guard seenEvents.insert(event.eventID).inserted else { return nil }
        guard event.type.isTerminal else {
            return "      job \(event.jobID) \(event.type.rawValue)\(event.taskID.map { " task=\($0)" } ?? "")"
        }
        guard ended.insert(event.jobID).inserted else {
            return "      job \(event.jobID): ANOTHER terminal event with a new event_id \(event.eventID)"
        }
        let elapsed = (ContinuousClock.now - started).components
        let seconds = Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18
        let head = "[\(ended.intersection(expected).count)/\(expected.count)] job \(event.jobID) \(event.type.rawValue) in "
            + String(format: "%.1f s", seconds)
        if event.type == .succeeded {
            let videos = (event.videos ?? []).map { "video=\($0.url)" }.joined(separator: " ")
            return "\(head)  \(videos)\(event.notes.map { "  notes=\($0.map(\.code))" } ?? "")"
        }
        guard let error = event.error else { return "\(head)  (no error given)" }
        let seen = error.details?.first?.value.map { " (seen \($0))" } ?? ""
        return "\(head)  \(error.code): \(error.message)\(seen)"
    }
}

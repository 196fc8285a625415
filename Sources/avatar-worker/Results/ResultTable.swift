import AvatarJobs
import Foundation

/// Result events as rows of a table on a terminal, printed as they arrive: fixed columns (time, type, job, task,
/// detail), every row cut to the terminal's width so a row is always one line.
struct ResultTable {
    /// The terminal printed on.
    let terminal: Terminal

    /// The header row.
    var header: String { terminal.fit(Self.row("TIME (UTC)", "TYPE", "JOB", "TASK", "DETAIL")) }

    /// The row of `event`.
    func row(_ event: AvatarResultEvent) -> String {
        let time = event.occurredAt.formatted(
            .iso8601.year().month().day().time(includingFractionalSeconds: false).timeZone(separator: .omitted))
        let detail: String = switch event.type {
        case .failed: event.error.map { "\($0.code): \($0.message)" } ?? ""
        case .succeeded: event.videos?.first?.url ?? ""
        case .submitted, .processing: "attempt \(event.attempts)"
        }
        return terminal.fit(Self.row(time, event.type.rawValue, event.jobID, event.taskID ?? "-", detail))
    }

    private static func row(_ time: String, _ type: String, _ job: String, _ task: String, _ detail: String) -> String {
        [pad(time, 21), pad(type, 11), pad(job, 30), pad(task, 20), detail].joined(separator: " ")
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? String(text.prefix(width - 1)) + "…" : text.padding(toLength: width, withPad: " ", startingAt: 0)
    }
}

import AsyncAlgorithms
import AvatarJobs
import Foundation
import Kafka

/// The I/O around a ``WaitBoard`` for `submit --wait`: follows the results topic from offsets taken before the jobs
/// were produced (so a result that arrives within milliseconds is still seen), feeds every event of the followed jobs
/// to the board, performs the downloads it asks for, and shows progress — live lines on a terminal, or the events
/// themselves as JSON lines otherwise.
///
/// ``wait(_:)`` returns when every job has settled, or, when its task is cancelled (Ctrl-C), with the board as it
/// stood: the caller then says which jobs are still running. An error reading the topic ends the wait with it.
struct ResultWaiter: Sendable {
    /// The results topic's tail, starting at the offsets recorded before producing.
    let tail: KafkaTopicTail
    /// Saves videos, when `--download` was given.
    let downloader: VideoDownloader?
    /// The terminal for live lines; nil for JSON lines.
    let terminal: Terminal?

    private enum Input: Sendable {
        case record(KafkaConsumerMessage)
        case tick
        case downloaded(jobID: String, WaitBoard.Download)
        case failed(any Error)
    }

    /// Follows the results until every job on `board` settled or the task is cancelled; returns the board.
    func wait(_ board: WaitBoard) async throws -> WaitBoard {
        var board = board
        var live = terminal.map(LiveLines.init)
        let jobIDs = board.jobIDs
        let (inputs, sink) = AsyncStream.makeStream(of: Input.self)
        func show() {
            let hint = board.isComplete ? "" : "  (Ctrl-C stops waiting; the jobs keep running)"
            live?.draw(board.lines(at: .now), footer: board.summary() + hint)
        }
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    for try await record in tail.records() where record.keyText.map(jobIDs.contains) ?? false {
                        sink.yield(.record(record))
                    }
                } catch {
                    sink.yield(.failed(error))
                }
            }
            if terminal != nil {
                group.addTask {
                    for await _ in AsyncTimerSequence(interval: .seconds(1), clock: .continuous) { sink.yield(.tick) }
                }
            }
            show()
            defer { group.cancelAll() }
            var iterator = inputs.makeAsyncIterator()
            while !board.isComplete {
                // nil: the task was cancelled (Ctrl-C); the board goes back as it stands.
                guard let input = await iterator.next() else { break }
                switch input {
                case .failed(let error):
                    if Task.isCancelled { return board }
                    throw error
                case .record(let record):
                    guard let value = record.value, let event = try? ContractCoding.decodeEvent(value) else { continue }
                    let (changed, actions) = board.apply(event, at: .now)
                    guard changed else { continue }
                    if terminal == nil, let text = record.valueText { StandardOutput.line(text) }
                    for case .download(let jobID, let urls) in actions {
                        guard let downloader else { continue }
                        group.addTask { sink.yield(.downloaded(jobID: jobID, await downloader.save(jobID: jobID, urls: urls))) }
                    }
                case .tick:
                    break
                case .downloaded(let jobID, let outcome):
                    board.downloadFinished(jobID: jobID, outcome)
                    if terminal == nil { StandardOutput.line(Self.downloadLine(jobID: jobID, outcome)) }
                }
                show()
            }
            return board
        }
    }

    /// A download outcome as one JSON line (non-terminal output).
    static func downloadLine(jobID: String, _ outcome: WaitBoard.Download) -> String {
        switch outcome {
        case .saved(let paths): StandardOutput.jsonLine(["job_id": jobID, "status": "downloaded", "paths": paths])
        case .failed(let reason): StandardOutput.jsonLine(["job_id": jobID, "status": "download_failed", "error": reason])
        case .none, .running: StandardOutput.jsonLine(["job_id": jobID, "status": "download_pending"])
        }
    }
}

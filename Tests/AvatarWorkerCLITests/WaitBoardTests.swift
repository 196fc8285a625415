@testable import avatar_worker
import AvatarJobs
import Foundation
import Testing

/// The rules of `submit --wait`'s board, without Kafka or time passing: events in, phases, downloads and the exit
/// status out.
@Suite("WaitBoard")
struct WaitBoardTests {
    private let start = ContinuousClock.now
    private let worker = AvatarResultEvent.WorkerInfo(id: "w")

    private func event(_ type: AvatarResultEvent.EventType, _ jobID: String, attempt: Int = 1) -> AvatarResultEvent {
        var event = AvatarResultEvent(type: type, jobID: jobID, attempt: attempt, occurredAt: Date(), worker: worker)
        event.taskID = "t-\(jobID)"
        if type == .succeeded { event.videos = [.init(id: "v", url: "https://cdn.example.com/\(jobID).mp4")] }
        if type == .failed { event.error = ResultError(code: "task.failed", message: "no", retryable: false) }
        return event
    }

    @Test("phases only move forward; other jobs, repeated event ids and progress after the end change nothing")
    func phases() {
        var board = WaitBoard(produced: [("a", start), ("b", start)], downloads: false)
        #expect(board.apply(event(.processing, "a"), at: start + .seconds(2)).changed)
        #expect(!board.apply(event(.submitted, "a"), at: start + .seconds(3)).changed, "a late submitted never moves it back")
        #expect(!board.apply(event(.processing, "a"), at: start + .seconds(3)).changed, "the same event again")
        #expect(!board.apply(event(.succeeded, "other"), at: start).changed)
        #expect(board.apply(event(.succeeded, "a"), at: start + .seconds(5)).changed)
        #expect(!board.apply(event(.failed, "a"), at: start + .seconds(6)).changed, "the first terminal event ends the job")
        #expect(!board.apply(event(.processing, "a", attempt: 2), at: start + .seconds(7)).changed)
        #expect(board.jobs.map(\.phase) == [.done, .queued])
        #expect(board.jobs[0].elapsed(at: start + .seconds(60)) == .seconds(5), "elapsed time stops at the end")
        #expect(!board.isComplete)
        #expect(board.unfinishedJobIDs == ["b"])
        #expect(board.apply(event(.failed, "b"), at: start + .seconds(8)).changed)
        #expect(board.isComplete)
        #expect(board.exitStatus == 1, "one failed")
        #expect(board.summary() == "1 succeeded, 1 failed")
    }

    @Test("with downloads a success asks for its videos and is complete only once the download settled; a failed download fails the run")
    func downloads() {
        var board = WaitBoard(produced: [("a", start)], downloads: true)
        let (_, actions) = board.apply(event(.succeeded, "a"), at: start + .seconds(1))
        #expect(actions == [.download(jobID: "a", urls: ["https://cdn.example.com/a.mp4"])])
        #expect(!board.isComplete)
        board.downloadFinished(jobID: "a", .failed("HTTP 404"))
        #expect(board.isComplete)
        #expect(board.exitStatus == 1)
        #expect(board.lines(at: start + .seconds(9)).first?.contains("download failed: HTTP 404") == true)
        var saved = WaitBoard(produced: [("a", start)], downloads: true)
        _ = saved.apply(event(.succeeded, "a"), at: start)
        saved.downloadFinished(jobID: "a", .saved(["/v/a.mp4"]))
        #expect(saved.exitStatus == 0)
    }

    @Test("a line per job: aligned id, phase, elapsed time, and the detail of the phase")
    func lines() {
        var board = WaitBoard(produced: [("short", start), ("a-longer-id", start)], downloads: false)
        _ = board.apply(event(.processing, "short"), at: start)
        let lines = board.lines(at: start + .seconds(75))
        #expect(lines[0] == "… short        processing 1m15s   task t-short")
        #expect(lines[1] == "· a-longer-id  queued     1m15s   waiting for a worker")
    }
}

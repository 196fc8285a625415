import Testing
@testable import AvatarWorker

/// The happy paths, invalid jobs, redelivery and write retries.
@Suite("TaskLifecycle")
struct TaskLifecycleTests {
    typealias Lifecycle = TaskLifecycle<String>

    static func received(offset: Int64? = 7, options: Lifecycle.Options = .init()) -> Lifecycle {
        Lifecycle.received(jobID: "job-1", externalTaskID: "ext-1", offset: offset, validity: .valid,
                           options: options).0
    }

    /// A lifecycle that got as far as polling task "task-9".
    static func polling(options: Lifecycle.Options = .init()) -> Lifecycle {
        var lifecycle = received(options: options)
        _ = lifecycle.handle(.submittingRecorded)
        _ = lifecycle.handle(.created(taskID: "task-9"))
        _ = lifecycle.handle(.submittedRecorded)
        return lifecycle
    }

    @Test func aValidJobGoesThroughTheWholeFlow() {
        let (start, first) = Lifecycle.received(
            jobID: "job-1", externalTaskID: "ext-1", offset: 7, validity: .valid)
        var lifecycle = start
        #expect(first == [.occupySlot, .writeLedger(.submitting)])
        #expect(lifecycle.handle(.submittingRecorded) == [.callCreate(externalTaskID: "ext-1", attempt: 1)])
        #expect(lifecycle.handle(.created(taskID: "task-9")) == [.signalCreateAccepted, .writeLedger(.submitted)])
        #expect(lifecycle.handle(.submittedRecorded) == [.markOffsetsDurable([7]), .startPolling(taskID: "task-9")])
        #expect(lifecycle.handle(.polled(.running)) == [.reschedulePoll(.stillRunning)])
        #expect(lifecycle.handle(.polled(.transientError(retryAfter: .seconds(5))))
            == [.reschedulePoll(.failedTransiently(retryAfter: .seconds(5)))])
        let outcome = Lifecycle.Outcome.succeeded(taskID: "task-9", "video-url")
        #expect(lifecycle.handle(.polled(.succeeded("video-url")))
            == [.reschedulePoll(.finished), .releaseSlot, .publishResult(outcome, withTombstone: false)])
        #expect(lifecycle.decidedOutcome == outcome)
        #expect(lifecycle.handle(.resultPublished) == [.writeTombstone])
        #expect(lifecycle.handle(.tombstoneRecorded) == [])
        #expect(lifecycle.isFinished)
    }

    @Test func aFailedTaskPublishesItsFailureWithTheTaskID() {
        var lifecycle = Self.polling()
        let failure = TaskFailure(code: "task.failed", message: "content risk control")
        #expect(lifecycle.handle(.polled(.failed(failure))) == [
            .reschedulePoll(.finished), .releaseSlot,
            .publishResult(.failed(failure, taskID: "task-9"), withTombstone: false),
        ])
    }

    @Test func exactlyOnceModePublishesTheTombstoneWithTheResult() {
        var lifecycle = Self.polling(options: .init(publishesResultWithTombstone: true))
        let actions = lifecycle.handle(.polled(.succeeded("v")))
        #expect(actions.last == .publishResult(.succeeded(taskID: "task-9", "v"), withTombstone: true))
        #expect(lifecycle.handle(.resultPublished) == [])
        #expect(lifecycle.isFinished)
    }

    @Test func anInvalidJobIsRejectedWithoutLedgerOrSlot() {
        let failure = TaskFailure(code: "job.invalid", message: "image missing")
        var (lifecycle, actions) = Lifecycle.received(
            jobID: "bad", externalTaskID: "ext-bad", offset: 3, validity: .invalid(failure))
        #expect(actions == [.publishResult(.failed(failure, taskID: nil), withTombstone: false)])
        #expect(lifecycle.handle(.writeFailed) == actions)
        #expect(lifecycle.handle(.resultPublished) == [.markOffsetsDurable([3])])
        #expect(lifecycle.isFinished)
        #expect(lifecycle.handle(.redelivered(offset: 40)) == [.markOffsetsDurable([40])])
    }

    @Test func redeliveriesShareTheJobsFate() {
        var lifecycle = Self.received(offset: 7)
        #expect(lifecycle.handle(.redelivered(offset: 12)) == [])
        #expect(lifecycle.handle(.redelivered(offset: 12)) == [])
        _ = lifecycle.handle(.submittingRecorded)
        _ = lifecycle.handle(.created(taskID: "t"))
        #expect(lifecycle.handle(.submittedRecorded) == [.markOffsetsDurable([7, 12]), .startPolling(taskID: "t")])
        #expect(lifecycle.handle(.redelivered(offset: 30)) == [.markOffsetsDurable([30])])
    }

    @Test func failedWritesAreRepeated() {
        var lifecycle = Self.received()
        #expect(lifecycle.handle(.writeFailed) == [.writeLedger(.submitting)])
        _ = lifecycle.handle(.submittingRecorded)
        _ = lifecycle.handle(.created(taskID: "t"))
        #expect(lifecycle.handle(.writeFailed) == [.writeLedger(.submitted)])
        _ = lifecycle.handle(.submittedRecorded)
        _ = lifecycle.handle(.polled(.succeeded("v")))
        #expect(lifecycle.handle(.writeFailed)
            == [.publishResult(.succeeded(taskID: "t", "v"), withTombstone: false)])
        _ = lifecycle.handle(.resultPublished)
        #expect(lifecycle.handle(.writeFailed) == [.writeTombstone])
    }

    @Test func eventsOutOfPhaseAreIgnored() {
        var lifecycle = Self.received()
        let before = lifecycle
        for event: Lifecycle.Event in [
            .created(taskID: "x"), .submittedRecorded, .polled(.running), .resultPublished, .tombstoneRecorded,
            .retryDue, .accountGateOpened, .reconciled(.notFound), .createFailed(.transient(retryAfter: nil)),
        ] {
            #expect(lifecycle.handle(event) == [])
        }
        #expect(lifecycle == before)
    }

    @Test func restoringASubmittedRecordResumesPolling() {
        let (lifecycle, actions) = Lifecycle.restored(
            jobID: "job-1", externalTaskID: "ext-1", from: .submitted(taskID: "task-3"))
        #expect(actions == [.occupySlot, .startPolling(taskID: "task-3")])
        #expect(lifecycle.phase == .polling)
        var copy = lifecycle
        #expect(copy.handle(.redelivered(offset: 5)) == [.markOffsetsDurable([5])])
    }
}

import Testing
@testable import AvatarWorker

@Suite("TaskLifecycle deadlines")
struct TaskLifecycleDeadlineTests {
    typealias Lifecycle = TaskLifecycle<String>

    static func deadlineFailure(_ kind: DeadlineKind, taskID: String? = nil) -> Lifecycle.Action {
        .publishResult(.failed(.deadlineExceeded(kind), taskID: taskID), withTombstone: false)
    }

    @Test func aDeadlineWhileWaitingEndsTheJobAtOnce() {
        var lifecycle = TaskLifecycleSubmissionTests.creating()
        _ = lifecycle.handle(.createFailed(.transient(retryAfter: nil)))
        #expect(lifecycle.handle(.deadlinePassed(.submission))
            == [.releaseSlot, Self.deadlineFailure(.submission)])
        #expect(lifecycle.handle(.retryDue) == [])
        #expect(lifecycle.handle(.resultPublished) == [.markOffsetsDurable([7]), .writeTombstone])
    }

    @Test func aDeadlineWhileHeldForTheAccountEndsTheJob() {
        var lifecycle = TaskLifecycleSubmissionTests.creating()
        _ = lifecycle.handle(.createFailed(.account(TaskFailure(code: "api.1101", message: "arrears"))))
        #expect(lifecycle.handle(.deadlinePassed(.total)) == [.releaseSlot, Self.deadlineFailure(.total)])
        #expect(lifecycle.handle(.accountGateOpened) == [])
    }

    @Test func theTotalDeadlineStopsPolling() {
        var lifecycle = TaskLifecycleTests.polling()
        #expect(lifecycle.handle(.deadlinePassed(.submission)) == [])
        #expect(lifecycle.handle(.deadlinePassed(.total))
            == [.stopPolling(taskID: "task-9"), .releaseSlot, Self.deadlineFailure(.total, taskID: "task-9")])
        #expect(lifecycle.handle(.polled(.succeeded("late"))) == [])
        #expect(lifecycle.handle(.deadlinePassed(.total)) == [])
    }

    @Test func aDeadlineDuringTheSubmittingWriteSkipsTheCreate() {
        var lifecycle = TaskLifecycleTests.received()
        #expect(lifecycle.handle(.deadlinePassed(.submission)) == [])
        #expect(lifecycle.handle(.submittingRecorded) == [.releaseSlot, Self.deadlineFailure(.submission)])
    }

    @Test func aTaskCreatedAfterTheSubmissionDeadlineStillRuns() {
        var lifecycle = TaskLifecycleSubmissionTests.creating()
        #expect(lifecycle.handle(.deadlinePassed(.submission)) == [])
        #expect(lifecycle.handle(.created(taskID: "t")) == [.signalCreateAccepted, .writeLedger(.submitted)])
        #expect(lifecycle.handle(.submittedRecorded) == [.markOffsetsDurable([7]), .startPolling(taskID: "t")])
    }

    @Test func aTaskCreatedAfterTheTotalDeadlineIsRecordedThenFailed() {
        var lifecycle = TaskLifecycleSubmissionTests.creating()
        _ = lifecycle.handle(.deadlinePassed(.total))
        #expect(lifecycle.handle(.created(taskID: "t")) == [.signalCreateAccepted, .writeLedger(.submitted)])
        #expect(lifecycle.handle(.submittedRecorded)
            == [.markOffsetsDurable([7]), .releaseSlot, Self.deadlineFailure(.total, taskID: "t")])
    }

    @Test func aCreateFailureAfterTheDeadlineIsNotRetried() {
        var lifecycle = TaskLifecycleSubmissionTests.creating()
        _ = lifecycle.handle(.deadlinePassed(.submission))
        #expect(lifecycle.handle(.createFailed(.throttled(retryAfter: nil, concurrencyLimit: true)))
            == [.releaseSlot, Self.deadlineFailure(.submission)])
    }

    @Test func anAmbiguousCreateAfterTheDeadlineFailsAsAmbiguous() {
        var lifecycle = TaskLifecycleSubmissionTests.creating(policy: .resubmit)
        _ = lifecycle.handle(.deadlinePassed(.submission))
        let actions = lifecycle.handle(.createFailed(.ambiguous(reason: "timeout")))
        #expect(actions == [.releaseSlot, .publishResult(
            .failed(.submissionAmbiguous(reason: "timeout"), taskID: nil), withTombstone: false)])
    }

    @Test func aDeadlineDuringReconciliationForbidsTheResubmission() {
        var lifecycle = TaskLifecycleSubmissionTests.creating(policy: .resubmit)
        _ = lifecycle.handle(.createFailed(.ambiguous(reason: "reset")))
        _ = lifecycle.handle(.deadlinePassed(.submission))
        let actions = lifecycle.handle(.reconciled(.notFound))
        #expect(!actions.contains(.callCreate(externalTaskID: "ext-1", attempt: 1)))
        #expect(actions.first == .releaseSlot)
    }

    @Test func everyOccupiedSlotIsReleasedExactlyOnce() {
        let endings: [[Lifecycle.Event]] = [
            [.submittingRecorded, .created(taskID: "t"), .submittedRecorded, .polled(.succeeded("v"))],
            [.submittingRecorded, .createFailed(.permanent(TaskFailure(code: "x", message: "y")))],
            [.submittingRecorded, .createFailed(.transient(retryAfter: nil)), .deadlinePassed(.submission)],
            [.deadlinePassed(.total), .submittingRecorded],
            [.submittingRecorded, .created(taskID: "t"), .submittedRecorded, .deadlinePassed(.total),
             .deadlinePassed(.total), .polled(.failed(TaskFailure(code: "x", message: "y")))],
        ]
        for events in endings {
            var (lifecycle, actions) = Lifecycle.received(
                jobID: "j", externalTaskID: "e", offset: 1, validity: .valid)
            for event in events + [.resultPublished, .tombstoneRecorded] { actions += lifecycle.handle(event) }
            #expect(actions.filter { $0 == .occupySlot }.count == 1)
            #expect(actions.filter { $0 == .releaseSlot }.count == 1)
            #expect(actions.filter { if case .publishResult = $0 { true } else { false } }.count == 1)
            #expect(lifecycle.isFinished)
        }
    }
}

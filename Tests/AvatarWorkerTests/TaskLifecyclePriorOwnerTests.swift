import Testing
@testable import AvatarWorker

/// Jobs restored from another owner's records: the grace for that owner's creates, published records, give-ups.
@Suite("TaskLifecycle: prior owners and give-ups")
struct TaskLifecyclePriorOwnerTests {
    typealias Lifecycle = TaskLifecycle<String>

    static func awaiting(policy: AmbiguousSubmissionPolicy = .fail) -> Lifecycle {
        Lifecycle.restored(
            jobID: "job-1", externalTaskID: "ext-1", from: .submittingByPriorOwner,
            options: .init(ambiguousSubmission: policy)).0
    }

    @Test func anotherOwnersSubmittingRecordWaitsBeforeAnythingIsDecided() {
        let (lifecycle, actions) = Lifecycle.restored(
            jobID: "job-1", externalTaskID: "ext-1", from: .submittingByPriorOwner)
        #expect(actions == [.occupySlot, .awaitPriorOwner])
        #expect(lifecycle.phase == .awaitingPriorOwner)
        var copy = lifecycle
        #expect(copy.handle(.deadlinePassed(.submission)) == [], "a deadline waits for the verdict")
        #expect(copy.handle(.retryDue) == [] && copy.handle(.polled(.running)) == [])
    }

    @Test(arguments: [AmbiguousSubmissionPolicy.fail, .reconcileThenFail, .resubmit])
    func anUnchangedRecordMeetsThePolicy(policy: AmbiguousSubmissionPolicy) {
        var lifecycle = Self.awaiting(policy: policy)
        let actions = lifecycle.handle(.priorOwnerSettled(.unchanged))
        if policy == .fail {
            #expect(actions.contains { if case .publishResult(.failed(let failure, nil), _) = $0 {
                failure.code == TaskFailure.submissionAmbiguousCode } else { false } })
        } else {
            #expect(actions == [.reconcile(externalTaskID: "ext-1")])
        }
    }

    @Test func aRecordedTaskIsAdoptedAndItsOffsetsBecomeDurable() {
        var lifecycle = Self.awaiting()
        _ = lifecycle.handle(.redelivered(offset: 4))
        #expect(lifecycle.handle(.priorOwnerSettled(.submitted(taskID: "t-1"))) == [
            .markOffsetsDurable([4]), .startPolling(taskID: "t-1"),
        ])
        #expect(lifecycle.taskID == "t-1")
    }

    @Test func aWithdrawnRecordFreesTheSlotAndEndsTheLifecycle() {
        var lifecycle = Self.awaiting()
        #expect(lifecycle.handle(.priorOwnerSettled(.withdrawn)) == [.releaseSlot])
        #expect(lifecycle.isFinished)
    }

    @Test func aPublishedResultIsNotPublishedAgain() {
        var lifecycle = Self.awaiting()
        _ = lifecycle.handle(.redelivered(offset: 4))
        #expect(lifecycle.handle(.priorOwnerSettled(.published)) == [
            .releaseSlot, .markOffsetsDurable([4]), .writeTombstone,
        ])
        let (restored, actions) = Lifecycle.restored(jobID: "job-2", externalTaskID: "ext-2", from: .published)
        #expect(actions == [.writeTombstone])
        #expect(restored.phase == .writingTombstone)
    }

    @Test func anOverdueJobIsFailedAsAmbiguousEvenWhenThePolicyWouldReconcile() {
        var lifecycle = Self.awaiting(policy: .resubmit)
        _ = lifecycle.handle(.deadlinePassed(.submission))
        let actions = lifecycle.handle(.priorOwnerSettled(.unchanged))
        #expect(actions.contains { if case .publishResult(.failed(let failure, _), _) = $0 {
            failure.code == TaskFailure.submissionAmbiguousCode } else { false } })
    }

    @Test func aGiveUpEndsAJobWaitingForItsRetry() {
        var lifecycle = Lifecycle.received(jobID: "job-1", externalTaskID: "ext-1", offset: 1, validity: .valid).0
        _ = lifecycle.handle(.submittingRecorded)
        _ = lifecycle.handle(.createFailed(.transient(retryAfter: nil)))
        let failure = TaskFailure(code: TaskFailure.apiUnavailableCode, message: "gave up")
        #expect(lifecycle.handle(.gaveUp(failure)) == [
            .releaseSlot, .publishResult(.failed(failure, taskID: nil), withTombstone: false),
        ])
        var polling = Lifecycle.restored(jobID: "job-2", externalTaskID: "ext-2", from: .submitted(taskID: "t")).0
        #expect(polling.handle(.gaveUp(failure)) == [], "only a job waiting for a retry can give up")
    }
}

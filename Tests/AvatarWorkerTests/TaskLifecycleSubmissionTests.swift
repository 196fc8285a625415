import Testing
@testable import AvatarWorker

/// Create failures by class, ambiguity policies and deadlines.
@Suite("TaskLifecycle submission")
struct TaskLifecycleSubmissionTests {
    typealias Lifecycle = TaskLifecycle<String>

    static func creating(policy: AmbiguousSubmissionPolicy = .fail) -> Lifecycle {
        var lifecycle = TaskLifecycleTests.received(options: .init(ambiguousSubmission: policy))
        _ = lifecycle.handle(.submittingRecorded)
        return lifecycle
    }

    static func ambiguous(_ reason: String) -> TaskFailure { .submissionAmbiguous(reason: reason) }

    @Test func permanentErrorsFailAtOnceAndTombstoneTheLedgerRecord() {
        var lifecycle = Self.creating()
        let failure = TaskFailure(code: "api.1201", message: "invalid image")
        #expect(lifecycle.handle(.createFailed(.permanent(failure)))
            == [.releaseSlot, .publishResult(.failed(failure, taskID: nil), withTombstone: false)])
        #expect(lifecycle.handle(.resultPublished) == [.markOffsetsDurable([7]), .writeTombstone])
    }

    @Test func throttlingRetriesWithBackoffAndSignalsAIMDOnlyFor1303() {
        var lifecycle = Self.creating()
        #expect(lifecycle.handle(.createFailed(.throttled(retryAfter: .seconds(2), concurrencyLimit: true)))
            == [.signalConcurrencyLimit, .scheduleRetry(failures: 1, retryAfter: .seconds(2))])
        #expect(lifecycle.handle(.retryDue) == [.callCreate(externalTaskID: "ext-1", attempt: 2)])
        #expect(lifecycle.handle(.createFailed(.throttled(retryAfter: nil, concurrencyLimit: false)))
            == [.scheduleRetry(failures: 2, retryAfter: nil)])
        #expect(lifecycle.handle(.retryDue) == [.callCreate(externalTaskID: "ext-1", attempt: 3)])
        #expect(lifecycle.handle(.createFailed(.transient(retryAfter: nil)))
            == [.scheduleRetry(failures: 3, retryAfter: nil)])
        #expect(lifecycle.phase == .awaitingCreateRetry(failures: 3))
    }

    @Test func accountProblemsHoldTheJobUntilTheGateOpens() {
        var lifecycle = Self.creating()
        let problem = TaskFailure(code: "api.1102", message: "resource pack exhausted")
        #expect(lifecycle.handle(.createFailed(.account(problem))) == [.signalAccountProblem(problem)])
        #expect(lifecycle.handle(.retryDue) == [])
        #expect(lifecycle.handle(.accountGateOpened) == [.callCreate(externalTaskID: "ext-1", attempt: 2)])
    }

    @Test func ambiguityFailsUnderTheDefaultPolicy() {
        var lifecycle = Self.creating()
        #expect(lifecycle.handle(.createFailed(.ambiguous(reason: "timeout after sending")))
            == [.releaseSlot,
                .publishResult(.failed(Self.ambiguous("timeout after sending"), taskID: nil), withTombstone: false)])
    }

    @Test func reconciliationAdoptsAFoundTask() {
        var lifecycle = Self.creating(policy: .reconcileThenFail)
        #expect(lifecycle.handle(.createFailed(.ambiguous(reason: "reset")))
            == [.reconcile(externalTaskID: "ext-1")])
        #expect(lifecycle.handle(.reconciled(.failedTransiently(retryAfter: nil)))
            == [.scheduleRetry(failures: 1, retryAfter: nil)])
        #expect(lifecycle.handle(.retryDue) == [.reconcile(externalTaskID: "ext-1")])
        #expect(lifecycle.handle(.reconciled(.found(taskID: "task-5"))) == [.writeLedger(.submitted)])
        #expect(lifecycle.handle(.submittedRecorded) == [.markOffsetsDurable([7]), .startPolling(taskID: "task-5")])
    }

    @Test(arguments: [
        (AmbiguousSubmissionPolicy.reconcileThenFail, TaskLifecycle<String>.Reconciliation.notFound, false),
        (.reconcileThenFail, .unsupported, false),
        (.resubmit, .notFound, true),
        (.resubmit, .unsupported, true),
    ])
    func whatIsNotFoundFollowsThePolicy(
        policy: AmbiguousSubmissionPolicy, answer: TaskLifecycle<String>.Reconciliation, resubmits: Bool
    ) {
        var lifecycle = Self.creating(policy: policy)
        _ = lifecycle.handle(.createFailed(.ambiguous(reason: "reset")))
        let actions = lifecycle.handle(.reconciled(answer))
        if resubmits {
            #expect(actions == [.callCreate(externalTaskID: "ext-1", attempt: 1)])
        } else {
            #expect(actions.first == .releaseSlot)
            guard case .publishResult(.failed(let failure, nil), _) = actions.last else {
                Issue.record("expected a failure, got \(actions)")
                return
            }
            #expect(failure.code == TaskFailure.submissionAmbiguousCode)
            // The event says both why the outcome was unknown and what the query found (the chaos report lists it).
            let finding = answer == .notFound ? "no task has this external_task_id" : "the API cannot query by external_task_id"
            #expect(failure.message.contains("(reset; reconciling: \(finding))"), "\(failure.message)")
        }
    }

    @Test(arguments: [AmbiguousSubmissionPolicy.fail, .reconcileThenFail, .resubmit])
    func aSubmittingRecordIsNeverBlindlyResubmitted(policy: AmbiguousSubmissionPolicy) {
        let (_, actions) = Lifecycle.restored(
            jobID: "job-1", externalTaskID: "ext-1", from: .submitting, options: .init(ambiguousSubmission: policy))
        #expect(actions.first == .occupySlot)
        #expect(!actions.contains { if case .callCreate = $0 { true } else { false } })
        if policy == .fail {
            #expect(actions.contains(.releaseSlot))
            #expect(actions.last == .publishResult(
                .failed(Self.ambiguous("a submitting ledger record without submitted"), taskID: nil),
                withTombstone: false))
        } else {
            #expect(actions == [.occupySlot, .reconcile(externalTaskID: "ext-1")])
        }
    }
}

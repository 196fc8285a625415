import Testing
import WorkerTestSupport

/// The end-to-end suites: the built `avatar-worker run` against Tansu and the CometAPI simulator.
///
/// Serialized: each test runs brokers and worker processes whose group sessions time out after 6 s, and on a
/// two-core machine several of them at once starve each other's heartbeats. One at a time keeps every run honest.
@Suite(.serialized)
enum EndToEnd {}

/// Flags that make a restarted or second worker settle an unknown create outcome by asking the API (the simulator
/// answers queries by `external_task_id` when started with it) instead of failing the job.
let reconcilingWorker = ["--query-by-external-task-id", "true", "--ambiguous-submission", "reconcile-then-fail"]
/// A successor of a worker killed with SIGKILL: no prior owner is alive to report a create in flight, so waiting the
/// default grace (request timeout + 10 s) for one would only stretch the test.
let afterKill = ["--prior-owner-grace", "2s"]

/// What every end-to-end test demands once its jobs have ended: each job (and each id in `alsoEnded`, e.g. of
/// unreadable messages) has exactly one terminal event (duplicates only as copies); invalid jobs fail with their
/// code; valid jobs succeed. With `ambiguityAllowed` (tests that run `reconcile-then-fail` through a crash or
/// faults) a valid job may instead fail as `submission.ambiguous`, but only when the API has no task for it (the
/// create never arrived, nothing was paid). Either way every task the API holds was created once and belongs to a
/// job that succeeded.
func expectSettled(
    _ jobs: [EndToEndJobs.Job], alsoEnded: Set<String> = [], ambiguityAllowed: Bool = false,
    collector: ResultCollector, stack: EndToEndStack, sourceLocation: SourceLocation = #_sourceLocation
) async {
    let contract = await collector.contractViolations(for: Set(jobs.map(\.jobID)).union(alsoEnded))
    #expect(contract == [], sourceLocation: sourceLocation)
    let outcomes = await collector.outcomeViolations(
        for: jobs, allowedFailures: ambiguityAllowed ? ["submission.ambiguous"] : [])
    #expect(outcomes == [], sourceLocation: sourceLocation)
    let created = stack.simulator.stats().createsByExternalTaskID
    let unreconciled = await collector.unreconciledViolations(for: jobs, created: created)
    #expect(unreconciled == [], sourceLocation: sourceLocation)
    let succeeded = await collector.succeededCount(of: jobs)
    #expect(stack.creationViolations(validCount: succeeded) == [], sourceLocation: sourceLocation)
}

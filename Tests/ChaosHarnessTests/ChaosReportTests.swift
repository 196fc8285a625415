import AvatarJobs
import ChaosHarness
import CometAPISimulator
import Foundation
import Testing

/// The checker judges plain observations: each test builds what a run could have seen and checks the verdict names
/// exactly the broken promise (and that a clean run passes).
@Suite("Chaos report")
struct ChaosReportTests {
    static let jobs = ChaosJobs(plan: ChaosPlan(jobs: 10, invalidEvery: 5), prefix: "t").jobs

    static func externalID(_ job: ChaosJobs.Job) -> String {
        StableIdentifiers.externalTaskID(jobID: job.jobID, attempt: 1)
    }

    /// The terminal event a correct worker publishes for `job`.
    static func expectedEvent(_ job: ChaosJobs.Job) -> AvatarResultEvent {
        if let code = job.expectedErrorCode { return failed(job, code: code, message: "refused") }
        var event = AvatarResultEvent(type: .succeeded, jobID: job.jobID, attempt: 1, occurredAt: Date(), worker: .init(id: "w"))
        event.externalTaskID = externalID(job)
        event.videos = [.init(id: "v", url: "http://127.0.0.1/v.mp4")]
        return event
    }

    static func failed(_ job: ChaosJobs.Job, code: String, message: String) -> AvatarResultEvent {
        var event = AvatarResultEvent(type: .failed, jobID: job.jobID, attempt: 1, occurredAt: Date(), worker: .init(id: "w"))
        event.externalTaskID = externalID(job)
        event.error = ResultError(code: code, message: message, retryable: false)
        return event
    }

    /// A run where every job ended as it should and every valid job was created once.
    static func clean(reconciling: Bool = true) -> ChaosObservations {
        var stats = SimulatorStats()
        for job in jobs where job.expectedErrorCode == nil { stats.createsByExternalTaskID[externalID(job)] = 1 }
        stats.createsTotal = stats.createsByExternalTaskID.count
        stats.faultsInjected = ["server-5000": 3]
        return ChaosObservations(
            seed: 9, produced: jobs, events: jobs.map { .init(event: expectedEvent($0), key: $0.jobID) }, unreadableRecords: 0,
            stats: stats, reconciling: reconciling, performed: [.kill: 2], stormed: ["server-5000": 3], incidents: [],
            wallTime: .seconds(12), settled: true)
    }

    @Test("a clean run passes and reports its figures")
    func cleanRun() {
        let report = ChaosReport(judging: Self.clean())
        #expect(report.violations == [])
        #expect(report.jobsProduced == 10 && report.validJobsProduced == 8)
        #expect(report.succeeded == 8 && report.failedAsExpected == 2 && report.terminalEvents == 10)
        #expect(report.actionsPerformed == ["kill": 2])
        #expect(report.lines.last == "PASSED: every promise kept")
    }

    @Test("a job without a terminal event is a violation")
    func missingEvent() {
        var observed = Self.clean()
        observed.events.removeFirst()
        let report = ChaosReport(judging: observed)
        #expect(report.jobsWithoutTerminalEvent == ["t-0"])
        #expect(report.violations == ["t-0: no terminal event"])
    }

    @Test("a copy with the same event_id is reported but allowed; a second outcome is a violation")
    func duplicates() {
        var observed = Self.clean()
        observed.events.append(observed.events[0])
        #expect(ChaosReport(judging: observed).violations == [])
        #expect(ChaosReport(judging: observed).duplicates == [.init(jobID: "t-0", copies: 2, sameEventID: true)])
        observed.events.append(.init(event: Self.failed(Self.jobs[1], code: "api.unavailable", message: "x"), key: "t-1"))
        let report = ChaosReport(judging: observed)
        #expect(report.duplicates.contains(.init(jobID: "t-1", copies: 2, sameEventID: false)))
        #expect(report.violations.count == 1 && report.violations[0].hasPrefix("t-1: 2 different terminal events"))
    }

    @Test("a task created twice, and one created for an invalid job, are violations naming the job")
    func doubleCreation() {
        var observed = Self.clean()
        observed.stats.createsByExternalTaskID[Self.externalID(Self.jobs[0])] = 2
        observed.stats.createsByExternalTaskID[Self.externalID(Self.jobs[4])] = 1  // t-4 is invalid
        let report = ChaosReport(judging: observed)
        #expect(report.createdMoreThanOnce == ["t-0 (\(Self.externalID(Self.jobs[0])))": 2])
        #expect(report.violations.contains { $0.contains("t-0") && $0.contains("created 2 times") })
        #expect(report.violations.contains { $0.contains("a task created for no valid job") })
    }

    @Test("submission.ambiguous: allowed without a task; with a task only when not reconciling")
    func ambiguity() {
        let job = Self.jobs[0]
        for (reconciling, taskExists) in [(true, false), (true, true), (false, true)] {
            var observed = Self.clean(reconciling: reconciling)
            observed.events[0] = .init(event: Self.failed(job, code: "submission.ambiguous", message: "the create's answer was lost"), key: job.jobID)
            if !taskExists { observed.stats.createsByExternalTaskID[Self.externalID(job)] = nil }
            let report = ChaosReport(judging: observed)
            #expect(report.ambiguous == [.init(jobID: "t-0", reason: "the create's answer was lost", taskExists: taskExists)])
            let expectViolation = reconciling && taskExists
            #expect(report.violations.count == (expectViolation ? 1 : 0), "reconciling \(reconciling), task \(taskExists): \(report.violations)")
        }
    }

    @Test("a valid job failing for another reason, an invalid one succeeding or failing with another code")
    func wrongOutcomes() {
        var observed = Self.clean()
        observed.events[0] = .init(event: Self.failed(Self.jobs[0], code: "api.unavailable", message: "5xx"), key: "t-0")
        observed.events[4] = .init(event: Self.failed(Self.jobs[4], code: "prompt.too_long", message: "?"), key: "t-4")
        let report = ChaosReport(judging: observed)
        #expect(report.violations.contains("t-0: failed api.unavailable (5xx), expected succeeded"))
        #expect(report.violations.contains("t-4: failed prompt.too_long, expected failed mode.invalid"))
    }

    @Test("incidents, a wrong key, an unreadable record, a repeated create and an uninjected storm are violations")
    func otherViolations() {
        var observed = Self.clean()
        observed.incidents = ["worker 1 ended by itself"]
        observed.events[2].key = "other"
        observed.unreadableRecords = 1
        observed.stats.duplicateExternalTaskIDRejections = 1
        observed.stormed["slow-body"] = 4
        observed.settled = false
        let violations = ChaosReport(judging: observed).violations
        #expect(violations.contains("worker 1 ended by itself"))
        #expect(violations.contains { $0.contains("keyed other for job t-2") })
        #expect(violations.contains { $0.contains("not result events") })
        #expect(violations.contains { $0.contains("repeated for a task that existed") })
        #expect(violations.contains("fault slow-body was stormed but never injected: the run proves nothing about it"))
        #expect(violations.contains { $0.contains("not every job ended") })
        #expect(violations.count == 6)
    }

    @Test("the JSON report round-trips")
    func json() throws {
        let report = ChaosReport(judging: Self.clean())
        #expect(try JSONDecoder().decode(ChaosReport.self, from: report.json()) == report)
    }
}

/// The run's jobs must be what the checker expects of them, by the worker's own validator.
@Suite("Chaos jobs")
struct ChaosJobsTests {
    @Test("valid jobs validate; each invalid one fails with its expected code first; every kind occurs")
    func expectations() {
        let jobs = ChaosJobs(plan: ChaosPlan(jobs: 60, invalidEvery: 5), prefix: "j")
        #expect(jobs.validCount == 48)
        var codes: Set<String> = []
        for job in jobs.jobs {
            switch JobValidator().validate(job.bytes) {
            case .success(let validated):
                #expect(job.expectedErrorCode == nil, "\(job.jobID) validated but should fail \(job.expectedErrorCode ?? "")")
                #expect(validated.job.jobID == job.jobID)
            case .failure(let failure):
                #expect(failure.errors.first?.code.rawValue == job.expectedErrorCode, "\(job.jobID): \(failure.errors)")
                codes.insert(failure.errors.first?.code.rawValue ?? "")
            }
        }
        #expect(codes.count == 6)
    }
}

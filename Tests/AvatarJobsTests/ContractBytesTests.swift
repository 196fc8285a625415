import AvatarJobs
import Foundation
import Testing

/// Pins the exact bytes of a ledger record and a result event whose `metadata` went through the job parser, so a
/// change to the JSON value type or to the parser under it cannot alter what subscribers and restoring workers read:
/// integers beyond 2^53, `-0`, integral floats, doubles, escapes, non-ASCII text, nesting, null and booleans.
@Suite("Ledger record and result event bytes")
struct ContractBytesTests {
    private let worker = AvatarResultEvent.WorkerInfo(id: "worker-test:1", version: "0.1.0")
    private let now = Date(timeIntervalSince1970: 1_800_000_000.25)

    /// A job whose metadata holds one of every kind of JSON value the parser distinguishes.
    private static let job = #"""
        {"job_id":"bytes-1","image":"https://h.example/i.png","audio_id":"77","mode":"pro",
         "metadata":{"customer":1842,"big":878106242831892487,"neg":-7,"zero":-0,"one":1.0,"exp":1e3,"ratio":0.25,
         "tenth":0.1,"frac":1.5e300,"huge":123456789012345678901234567890,"min":-9223372036854775808,
         "text":"caf\u00e9 \"q\" \\ \/ 😀 \n\t","null":null,"yes":true,"no":false,"list":[1,"two",[3.5],{}],
         "nested":{"b":{"c":[false,null]}}}}
        """#

    private func validatedJob() throws -> ValidatedJob {
        try JobValidator().validate(Array(Self.job.utf8)).get()
    }

    @Test("a submitted ledger record encodes to exactly these bytes")
    func ledgerRecordBytes() throws {
        let record = AvatarTaskRecord(
            submitting: try validatedJob(), attempt: 1, partition: 3, offset: 120_544, now: now,
            submitDeadline: now + 1800, traceparent: nil, worker: worker
        ).submitted(taskID: "878106242831892487", at: now + 1)
        let expected = #"""
            {"attempt":1,"created_at":"2027-01-15T08:00:00.250Z","deadline":"2027-01-15T10:00:00.250Z","external_task_id":"aw-bytes-1-2d4bfca022009cc8077571be69a39db6-a1","job_id":"bytes-1","job_offset":120544,"job_partition":3,"metadata":{"big":878106242831892487,"customer":1842,"exp":1000,"frac":1.5e+300,"huge":1.2345678901234568e+29,"list":[1,"two",[3.5],{}],"min":-9223372036854775808,"neg":-7,"nested":{"b":{"c":[false,null]}},"no":false,"null":null,"one":1,"ratio":0.25,"tenth":0.1,"text":"café \"q\" \\ / 😀 \n\t","yes":true,"zero":0},"mode":"pro","schema":"avatar-task.v1","state":"submitted","submit_deadline":"2027-01-15T08:30:00.250Z","submitted_at":"2027-01-15T08:00:01.250Z","task_id":"878106242831892487","watermark":false,"worker":{"id":"worker-test:1","version":"0.1.0"}}
            """#
        let encoded = String(decoding: try record.encoded(), as: UTF8.self)
        #expect(encoded == expected)
    }

    @Test("a succeeded result event encodes to exactly these bytes")
    func resultEventBytes() throws {
        let job = try validatedJob()
        var event = AvatarResultEvent(type: .succeeded, jobID: job.job.jobID, attempt: 1, occurredAt: now, worker: worker)
        event.taskID = "878106242831892487"
        event.externalTaskID = job.externalTaskID(attempt: 1)
        event.metadata = job.job.metadata
        event.videos = [.init(id: "v1", url: "https://cdn.example/v1.mp4", watermarkURL: nil, durationSeconds: 12.4)]
        let expected = #"""
            {"attempts":1,"event_id":"ev1-fa5ed2d828f6ef720dcbf2968fb30352","external_task_id":"aw-bytes-1-2d4bfca022009cc8077571be69a39db6-a1","job_id":"bytes-1","metadata":{"big":878106242831892487,"customer":1842,"exp":1000,"frac":1.5e+300,"huge":1.2345678901234568e+29,"list":[1,"two",[3.5],{}],"min":-9223372036854775808,"neg":-7,"nested":{"b":{"c":[false,null]}},"no":false,"null":null,"one":1,"ratio":0.25,"tenth":0.1,"text":"café \"q\" \\ / 😀 \n\t","yes":true,"zero":0},"occurred_at":"2027-01-15T08:00:00.250Z","schema":"avatar-result.v1","task_id":"878106242831892487","type":"succeeded","videos":[{"duration_seconds":12.4,"id":"v1","url":"https://cdn.example/v1.mp4"}],"worker":{"id":"worker-test:1","version":"0.1.0"}}
            """#
        let encoded = String(decoding: try ContractCoding.encode(event), as: UTF8.self)
        #expect(encoded == expected)
    }
}

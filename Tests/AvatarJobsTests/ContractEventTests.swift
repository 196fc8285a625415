import AvatarJobs
import Foundation
import Testing
import TestSupport

@Suite("Result events, ledger records and stable identifiers")
struct ContractEventTests {
    private let worker = AvatarResultEvent.WorkerInfo(id: "worker-test:1", version: "0.1.0")
    private let now = Date(timeIntervalSince1970: 1_800_000_000.25)

    private func validatedJob() throws -> ValidatedJob {
        let png = Data(try MediaFixtures.bytes(FixtureCatalog.png)).base64EncodedString()
        return try JobValidator().validate(Array(#"{"job_id":"order-1842:avatar","image":"data:image/png;base64,\#(png)","audio_id":"77","mode":"pro","metadata":{"c":1},"callback_url":"https://hooks.example/k"}"#.utf8)).get()
    }

    @Test("external_task_id: deterministic, at most 64 characters of the allowed set, distinct per job and attempt")
    func externalTaskIDs() {
        let ids = ["a", String(repeating: "z", count: 128), "order-1842:avatar", "ä"].flatMap { job in
            [1, 2, UInt32.max].map { StableIdentifiers.externalTaskID(jobID: job, attempt: $0) }
        }
        #expect(Set(ids).count == ids.count)
        for id in ids {
            #expect(JobIDRule.isValid(id, maximumLength: 64), "\(id)")
        }
        #expect(StableIdentifiers.externalTaskID(jobID: "abc", attempt: 1) == "aw-abc-ba7816bf8f01cfea414140de5dae2223-a1")
    }

    @Test("a job's own external_task_id is used for attempt 1 and derived from for later attempts")
    func externalTaskIDOverride() throws {
        let job = try JobValidator().validate(Array(#"{"job_id":"j","image":"https://h.example/i.png","audio_id":"1","external_task_id":"mine"}"#.utf8)).get()
        #expect(job.externalTaskID(attempt: 1) == "mine")
        #expect(job.externalTaskID(attempt: 2) == StableIdentifiers.externalTaskID(jobID: "mine", attempt: 2))
    }

    @Test("event ids: one per job and terminal type whatever the attempt, per attempt for progress")
    func eventIDs() {
        let first = AvatarResultEvent(type: .succeeded, jobID: "j", attempt: 1, occurredAt: now, worker: worker)
        let retried = AvatarResultEvent(type: .succeeded, jobID: "j", attempt: 3, occurredAt: now + 60, worker: worker)
        let failed = AvatarResultEvent(type: .failed, jobID: "j", attempt: 1, occurredAt: now, worker: worker)
        let progress1 = AvatarResultEvent(type: .processing, jobID: "j", attempt: 1, occurredAt: now, worker: worker)
        let progress2 = AvatarResultEvent(type: .processing, jobID: "j", attempt: 2, occurredAt: now, worker: worker)
        #expect(first.eventID == retried.eventID)
        #expect(Set([first.eventID, failed.eventID, progress1.eventID, progress2.eventID]).count == 4)
        #expect(first.eventID.wholeMatch(of: /ev1-[0-9a-f]{32}/) != nil)
    }

    @Test("events encoded by Swift validate against the result schema and decode back equal")
    func eventsValidate() throws {
        var succeeded = AvatarResultEvent(type: .succeeded, jobID: "order-1842:avatar", attempt: 1, occurredAt: now, worker: worker)
        succeeded.taskID = "878106242831892487"
        succeeded.externalTaskID = StableIdentifiers.externalTaskID(jobID: "order-1842:avatar", attempt: 1)
        succeeded.videos = [.init(id: "v1", url: "https://cdn.example/v1.mp4", watermarkURL: "https://cdn.example/w.mp4", durationSeconds: 12.4)]
        succeeded.submittedAt = now - 600
        succeeded.completedAt = now
        succeeded.usage = .init(unitDeduction: "4.96", balanceQuota: "0.7", balanceListPrice: "0.9", videoSeconds: 12.4)
        succeeded.metadata = ["customer": .integer(1842), "tags": .array([.string("a")])]
        succeeded.notes = [.dataURLPrefixStripped(field: "$.image", prefix: "data:image/png;base64,")]

        var refused = AvatarResultEvent(type: .failed, jobID: "bad-1", attempt: 0, occurredAt: now, worker: worker)
        let failure = try #require(JobValidator().validate(Array(#"{"job_id":"bad-1","image":"ftp://x","prompt":7}"#.utf8)).failure)
        refused.error = ResultError(validation: failure)

        var apiFailure = AvatarResultEvent(type: .failed, jobID: "api-1", attempt: 2, occurredAt: now, worker: worker)
        apiFailure.taskID = "1"
        apiFailure.error = ResultError(code: "api.permanent", message: "content-safety policy", retryable: false,
                                       api: .init(httpStatus: 400, code: 1301, message: "risk", requestID: "r-1"))
        var submitted = AvatarResultEvent(type: .submitted, jobID: "s-1", attempt: 1, occurredAt: now, worker: worker)
        submitted.taskID = "2"

        let events = [succeeded, refused, apiFailure, submitted]
        let encoded = try events.map(ContractCoding.encode)
        let errors = try SchemaValidator.errors(schema: "avatar-result.v1.schema.json", instances: encoded)
        #expect(errors == Array(repeating: [], count: events.count))
        for (event, bytes) in zip(events, encoded) {
            #expect(try ContractCoding.decodeEvent(bytes) == event)
        }
        var missingVideos = succeeded
        missingVideos.videos = nil
        let refusedBySchema = try SchemaValidator.errors(schema: "avatar-result.v1.schema.json", instances: [try ContractCoding.encode(missingVideos)])
        #expect(refusedBySchema.first?.isEmpty == false)
    }

    @Test("ledger records validate against the task schema, round-trip, and carry what the result needs")
    func taskRecords() throws {
        let job = try validatedJob()
        let submitting = AvatarTaskRecord(
            submitting: job, attempt: 1, partition: 3, offset: 120_544, now: now, submitDeadline: now + 1800,
            traceparent: "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", worker: worker)
        let submitted = submitting.submitted(taskID: "878106242831892487", at: now + 1)
        #expect(submitting.externalTaskID == job.externalTaskID(attempt: 1))
        #expect(submitting.deadline == now + TimeInterval(job.deadlineSeconds))
        #expect(submitted.metadata == ["c": .integer(1)] && submitted.mode == .pro && submitted.callbackURL == "https://hooks.example/k")
        #expect(submitted.notes == job.notes)
        let encoded = try [submitting, submitted].map { try $0.encoded() }
        #expect(try SchemaValidator.errors(schema: "avatar-task.v1.schema.json", instances: encoded) == [[], []])
        #expect(try AvatarTaskRecord.decode(encoded[0]) == submitting)
        #expect(try AvatarTaskRecord.decode(encoded[1]) == submitted)
        var broken = submitted
        broken.taskID = nil
        #expect(throws: DecodingError.self) { try AvatarTaskRecord.decode(try broken.encoded()) }
    }
}

extension Result {
    /// The error of a failed result, for tests.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

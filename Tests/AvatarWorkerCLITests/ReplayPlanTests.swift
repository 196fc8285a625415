@testable import avatar_worker
import AvatarJobs
import Foundation
import Kafka
import Testing

/// `dlq replay`'s decisions as a table: the replay log, corrections and the error code decide, nothing else.
@Suite("ReplayPlan")
struct ReplayPlanTests {
    private func letter(_ offset: Int64, key: String?, code: String, value: String = #"{"job_id":"k"}"#) -> DeadLetter {
        DeadLetter(record: KafkaConsumerMessage(
            topic: "dlq", partition: 0, offset: offset, key: key.map { Array($0.utf8) }, value: Array(value.utf8),
            headers: [KafkaHeader(name: "error-code", text: code)]))
    }

    private func logEntry(_ position: String, _ state: ReplayLogRecord.State) -> ReplayLogRecord {
        ReplayLogRecord(
            state: state, deadLetter: position, runID: "r", jobID: "k", corrected: true, jobsTopic: "jobs", jobsPartition: 0,
            jobsScanFrom: 0, jobsOffset: 5, at: Date(), host: "h")
    }

    @Test("decisions: replayed stays, a valid correction replays, a refused one is reported, unchanged only for outside causes and only when asked")
    func table() {
        let fixed = Array(#"{"job_id":"fix","image":"https://c/p.png","audio_id":"a"}"#.utf8)
        let refusal = JobValidationFailure(jobID: "bad", errors: [JobValidationError(code: .imageMissing, field: "$.image", message: "image is required")])
        let letters = [
            letter(0, key: "done", code: "job.not_json"),
            letter(1, key: "fix", code: "job.not_json"),
            letter(2, key: "bad", code: "job.not_json"),
            letter(3, key: nil, code: "job.not_json", value: #"{"job_id":"recovered", "#),
            letter(4, key: "large", code: "job.too_large"),
            letter(5, key: "nothing", code: "job.tombstone", value: ""),
            letter(6, key: "plain", code: "job.not_json"),
        ]
        let corrections: [String: Result<[UInt8], JobValidationFailure>] = [
            "fix": .success(fixed), "bad": .failure(refusal), "recovered": .success(fixed), "done": .success(fixed), "unused": .success(fixed),
        ]
        let log = ["dlq/0/0": logEntry("dlq/0/0", .replayed), "dlq/0/6": logEntry("dlq/0/6", .replaying)]
        let asked = ReplayPlan(letters: letters, log: log, corrections: corrections, unchanged: true)
        let decisions = asked.entries.map(\.decision)
        guard case .alreadyReplayed = decisions[0] else { Issue.record("\(decisions[0])"); return }
        #expect(decisions[1] == .replay(bytes: fixed, key: "fix", corrected: true))
        #expect(decisions[2] == .refused(refusal.errors))
        #expect(decisions[3] == .replay(bytes: fixed, key: "recovered", corrected: true), "a keyless letter matches by its recovered id")
        #expect(decisions[4] == .replay(bytes: Array(#"{"job_id":"k"}"#.utf8), key: "large", corrected: false))
        guard case .skip(let empty) = decisions[5], empty.contains("tombstone") else { Issue.record("\(decisions[5])"); return }
        guard case .skip(let plain) = decisions[6], plain.contains("give a corrected message") else { Issue.record("\(decisions[6])"); return }
        #expect(asked.unmatchedCorrections == ["unused"], "a correction for an already replayed letter counts as used")

        let notAsked = ReplayPlan(letters: [letters[4]], log: [:], corrections: [:], unchanged: false)
        guard case .skip(let reason) = notAsked.entries[0].decision, reason.contains("--unchanged") else {
            Issue.record("\(notAsked.entries[0].decision)"); return
        }
    }
}

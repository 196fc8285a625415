@testable import HostileInput
import AvatarJobs
import Testing

/// The mutation fuzzer's generator: reproducible from its seed, every family used, job ids intact, and the valid
/// share of its output really valid (checked by the job contract's own validator).
@Suite struct JobMutatorTests {
    private func messages(seed: UInt64, count: Int) -> [HostileMessage] {
        var mutator = JobMutator(seed: seed, maxMessageBytes: 256 * 1024)
        return (0..<count).map { mutator.message(index: $0) }
    }

    @Test("the same seed gives the same messages; another seed gives others")
    func reproducible() {
        let first = messages(seed: 7, count: 300), again = messages(seed: 7, count: 300), other = messages(seed: 8, count: 300)
        #expect(first.map(\.value) == again.map(\.value))
        #expect(first.map(\.mutations) == again.map(\.mutations))
        #expect(first.map(\.value) != other.map(\.value))
    }

    @Test("every mutation family occurs in 5,000 messages, also stacked on a key made invalid UTF-8 (seed 1 once crashed there)")
    func everyFamily() {
        let families = Set(messages(seed: 11, count: 5000).map(\.family))
        #expect(messages(seed: 1, count: 5000).count == 5000)
        #expect(families == Set(JobMutator.families.map(\.0)))
    }

    @Test("byte-level mutations leave the job id's characters in place")
    func jobIDsIntact() {
        let byteFamilies: Set<String> = ["byte-flip", "insert-bytes", "delete-range", "duplicate-range"]
        let mutated = messages(seed: 13, count: 3000).filter { byteFamilies.contains($0.family) }
        #expect(mutated.count > 300)
        for message in mutated {
            let id = Array(message.jobID.utf8)
            let value = message.value ?? []
            let holdsID = value.count >= id.count && (0...(value.count - id.count)).contains { value[$0..<($0 + id.count)].elementsEqual(id) }
            #expect(holdsID, "\(message.mutations) lost \(message.jobID)")
        }
    }

    @Test("unmutated jobs pass the validator; lying media and broken text do not")
    func validityMatchesFamily() {
        let validator = JobValidator(limits: ValidationLimits())
        let sample = messages(seed: 17, count: 2000)
        for message in sample where message.mutations == ["none"] {
            guard case .success(let job) = validator.validate(message.value ?? []) else {
                Issue.record("an unmutated job is invalid: \(String(decoding: (message.value ?? []).prefix(200), as: UTF8.self))")
                continue
            }
            #expect(job.job.jobID == message.jobID)
        }
        for message in sample where ["invalid-utf8", "invalid-escape", "invalid-base64"].contains(message.family) {
            if case .success = validator.validate(message.value ?? []) {
                Issue.record("\(message.mutations) passed validation")
            }
        }
    }

    @Test("every derived media variant differs from the valid files of its field and is named once")
    func variants() {
        let variants = HostileMedia.variants()
        #expect(Set(variants.map(\.name)).count == variants.count)
        let images = [HostileMedia.portraitPNG, HostileMedia.portraitJPEG]
        let sounds = [HostileMedia.speechMP3, HostileMedia.speechAAC, HostileMedia.speechM4A, HostileMedia.speechWAV]
        #expect((images + sounds).allSatisfy { !$0.isEmpty })
        // A real file in the other field (a WAV as the image) is a variant; a valid file in its own field is not.
        let unchanged = variants.filter { ($0.isImage ? images : sounds).contains($0.bytes) }.map(\.name)
        #expect(unchanged.isEmpty, "unchanged originals: \(unchanged)")
        #expect(variants.count >= 40)
    }
}

import AvatarJobs
import Foundation
import Testing
import TestSupport

@Suite("Job validator: limits, notes, paths and normalisation")
struct JobValidatorTests {
    private func message(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test("size limits on the message and on decoded media carry limit and value seen")
    func sizeLimits() throws {
        var limits = ValidationLimits()
        limits.maximumMessageBytes = 100
        let big = JobValidator(limits: limits).validate(message(#"{"job_id":"a","image":"https://h.example/\#(String(repeating: "x", count: 200))","audio_id":"1"}"#))
        let bigError = try #require(big.failureErrors.first)
        #expect(bigError.code == .messageTooLarge && bigError.limit == "100 bytes" && bigError.field == "$")

        limits = ValidationLimits()
        limits.maximumImageBytes = 1000
        limits.maximumAudioBytes = 1000
        let png = Data(try MediaFixtures.bytes(FixtureCatalog.png)).base64EncodedString()
        let wav = Data(try MediaFixtures.bytes(FixtureCatalog.wavPCM)).base64EncodedString()
        let result = JobValidator(limits: limits).validate(message(#"{"job_id":"a","image":"\#(png)","sound_file":"\#(wav)"}"#))
        let errors = result.failureErrors
        #expect(errors.map(\.code) == [.imageTooLarge, .audioTooLarge])
        #expect(errors.first?.valueSeen == "\(try MediaFixtures.bytes(FixtureCatalog.png).count) bytes")
        #expect(errors.map(\.field) == ["$.image", "$.sound_file"])
    }

    @Test("a valid inline job is normalised: probes filled, data: prefix stripped and noted, defaults applied")
    func normalisation() throws {
        let png = try MediaFixtures.bytes(FixtureCatalog.png)
        let text = #"{"job_id":"n1","image":"data:image/png;base64,\#(Data(png).base64EncodedString())","sound_file":"\#(Data(try MediaFixtures.bytes(FixtureCatalog.mp3CBR)).base64EncodedString())"}"#
        let job = try JobValidator().validate(message(text)).get()
        #expect(job.imageInfo == ImageInfo(format: .png, width: 400, height: 600, byteCount: png.count))
        #expect(job.audioInfo?.format == .mp3)
        #expect(job.job.mode == .std)
        #expect(job.deadlineSeconds == ValidationLimits().defaultDeadlineSeconds)
        #expect(job.notes == [.dataURLPrefixStripped(field: "$.image", prefix: "data:image/png;base64,")])
        guard case .inline(let base64, let prefix) = job.job.image else { Issue.record("image should be inline"); return }
        #expect(prefix == "data:image/png;base64,")
        #expect(base64.string == Data(png).base64EncodedString())
        #expect(job.job.image.apiValue.hasPrefix("iVBOR"))
    }

    @Test("the audio maximum is configurable up to Kling's 300 s, not beyond")
    func audioMaximum() throws {
        let wav = Data(try MediaFixtures.bytes(FixtureCatalog.wavLong)).base64EncodedString()
        let text = message(#"{"job_id":"a","image":"https://h.example/i.png","sound_file":"\#(wav)"}"#)
        #expect(JobValidator().validate(text).failureErrors.map(\.code) == [.audioDuration])
        #expect(throws: Never.self) { try JobValidator(limits: .allowingAudio(upTo: 120)).validate(text).get() }
        #expect(ValidationLimits.allowingAudio(upTo: 1000).maximumAudioSeconds == 300)
        let error = try #require(JobValidator().validate(text).failureErrors.first)
        #expect(error.limit == "2.0…60.0 s" && error.valueSeen == "60.5 s")
    }

    @Test("metadata is echoed exactly, nested values included")
    func metadata() throws {
        let job = try JobValidator().validate(message(#"{"job_id":"m","image":"https://h.example/i.png","audio_id":"7","metadata":{"n":1,"f":1.5,"s":"é\u00e9\n","a":[true,null],"o":{"k":"v"}}}"#)).get()
        #expect(job.job.metadata == [
            "n": .integer(1), "f": .double(1.5), "s": .string("éé\n"), "a": .array([.bool(true), .null]), "o": .object(["k": .string("v")]),
        ])
    }

    @Test("strings: escapes and surrogate pairs decode; lone surrogates and raw control characters are refused")
    func stringEscapes() throws {
        let job = try JobValidator().validate(message(#"{"job_id":"s","image":"https://h.example/i.png","audio_id":"7","prompt":"\ud83d\ude00 \"hi\"\t\/"}"#)).get()
        #expect(job.job.prompt == "😀 \"hi\"\t/")
        let lone = JobValidator().validate(message(#"{"job_id":"s","image":"https://h.example/i.png","audio_id":"7","prompt":"\ud800"}"#))
        #expect(lone.failureErrors.map(\.code) == [.notJSON])
        #expect(lone.failureErrors.first?.field == "$.prompt")
        let control = JobValidator().validate(message("{\"job_id\":\"s\",\"image\":\"https://h.example/i.png\",\"audio_id\":\"7\",\"prompt\":\"a\u{01}b\"}"))
        #expect(control.failureErrors.map(\.code) == [.notJSON])
        let invalidUTF8 = JobValidator().validate(Array(#"{"job_id":"s","image":"https://h.example/i.png","audio_id":"7","prompt":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8))
        #expect(invalidUTF8.failureErrors.map(\.code) == [.notJSON])
    }

    @Test("JSON syntax: depth, literals, numbers and trailing data are checked")
    func jsonSyntax() {
        let deep = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        for text in [deep, "{\"a\":01}", "{\"a\":tru}", "{\"a\":1} x", "{\"a\":NaN}", "{\"a\":1e999}", "{'a':1}", ""] {
            #expect(JobValidator().validate(message(text)).failureErrors.map(\.code) == [.notJSON], "\(text.prefix(20))")
        }
    }

    @Test("the failure names the job when its id is valid, and only then")
    func failureCarriesJobID() {
        let bad = JobValidator().validate(message(#"{"job_id":"keep-me","image":"ftp://x/y"}"#))
        #expect(bad.failureJobID == "keep-me")
        #expect(JobValidator().validate(message(#"{"job_id":"bad id","image":"ftp://x/y"}"#)).failureJobID == nil)
    }

    @Test("job_id recovery: from valid JSON, from broken JSON, never an invalid id")
    func jobIDRecovery() {
        #expect(JobIDRecovery.recover(from: message(#"{"image":1,"job_id":"r-1"}"#)) == "r-1")
        #expect(JobIDRecovery.recover(from: message(#"{"x":"\"job_id\"","job_id" : "r-2","image":"#)) == "r-2")
        #expect(JobIDRecovery.recover(from: message(#"{"job_id":"has space"}"#)) == nil)
        #expect(JobIDRecovery.recover(from: message(#"{"job_id":"has space","#)) == nil)
        #expect(JobIDRecovery.recover(from: [0xFF, 0x00, 0x22]) == nil)
        #expect(JobIDRecovery.recover(from: message(#"["job_id","x"]"#)) == nil)
    }

    @Test("JSON lines and single documents are split into messages")
    func inputSplitting() {
        #expect(JobValidator.messages(in: message("{\n  \"a\": 1\n}\n")).count == 1)
        #expect(JobValidator.messages(in: message("{\"a\":1}\r\n\n{\"b\":2}\n  \n{broken\n")).map { String(decoding: $0, as: UTF8.self) }
            == ["{\"a\":1}", "{\"b\":2}", "{broken"])
    }
}

extension Result where Failure == JobValidationFailure {
    /// The errors of a failed validation (empty when it succeeded).
    var failureErrors: [JobValidationError] {
        if case .failure(let failure) = self { return failure.errors }
        return []
    }

    /// The job id a failed validation carries.
    var failureJobID: String? {
        if case .failure(let failure) = self { return failure.jobID }
        return nil
    }
}

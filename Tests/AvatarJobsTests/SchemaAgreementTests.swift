import AvatarJobs
import Foundation
import Testing
import TestSupport

/// The Swift validator and Python's jsonschema judge the same corpus against the published schema files, and must
/// agree wherever the schema can express the rule.
@Suite("Swift validator agrees with jsonschema on the corpus")
struct SchemaAgreementTests {
    @Test("every corpus job: Swift reports the expected codes and jsonschema the same verdict")
    func corpusAgreement() throws {
        let corpus = try AgreementCorpus.build()
        #expect(corpus.cases.count >= 60)
        let python = try SchemaValidator.errors(schema: "avatar-job.v1.schema.json", instances: corpus.cases.map(\.message))
        try #require(python.count == corpus.cases.count)
        let validator = JobValidator()
        for (index, item) in corpus.cases.enumerated() {
            let swiftCodes: Set<String>
            switch validator.validate(item.message) {
            case .success: swiftCodes = []
            case .failure(let failure): swiftCodes = Set(failure.codes.map(\.rawValue))
            }
            #expect(swiftCodes == item.expectedCodes, "\(item.name)")
            if item.schemaExpressible {
                #expect(python[index].isEmpty == swiftCodes.isEmpty, "\(item.name): jsonschema says \(python[index])")
            } else {
                #expect(python[index].isEmpty, "\(item.name) is marked Swift-only but jsonschema refuses it: \(python[index])")
            }
        }
    }

    @Test("the corpus and the unit tests together produce every error code")
    func everyCodeCovered() throws {
        let corpus = try AgreementCorpus.build()
        let inCorpus = Set(corpus.cases.flatMap(\.expectedCodes))
        // Covered by JobValidatorTests (need non-default limits) and RemoteMediaValidatorTests (need a network).
        let elsewhere: Set<String> = ["job.too_large", "image.too_large", "audio.too_large", "url.forbidden_address", "url.fetch_failed"]
        let missing = Set(JobValidationError.Code.all.map(\.rawValue)).subtracting(inCorpus).subtracting(elsewhere)
        #expect(missing.isEmpty, "codes no corpus job produces: \(missing.sorted())")
    }

    @Test("every schema's examples validate")
    func schemaExamples() throws {
        for name in ["avatar-job.v1.schema.json", "avatar-result.v1.schema.json", "avatar-task.v1.schema.json"] {
            let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: SchemaValidator.schemaURL(name))) as? [String: Any]
            let examples = try #require(schema?["examples"] as? [Any], "\(name) has examples")
            #expect(examples.count >= 2)
            let lines = try examples.map { Array(try JSONSerialization.data(withJSONObject: $0)) }
            let errors = try SchemaValidator.errors(schema: name, instances: lines)
            let allValid = errors.allSatisfy { $0.isEmpty }
            #expect(allValid, "\(name): \(errors)")
        }
    }

    @Test("the job schema's examples also pass the Swift validator")
    func jobExamplesPassSwift() throws {
        let url = SchemaValidator.schemaURL("avatar-job.v1.schema.json")
        let schema = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        for example in try #require(schema?["examples"] as? [Any]) {
            let message = Array(try JSONSerialization.data(withJSONObject: example))
            #expect(throws: Never.self) { try JobValidator().validate(message).get() }
        }
    }
}

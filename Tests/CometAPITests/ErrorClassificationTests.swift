import CometAPI
import Testing

@Suite("Error classification tables")
struct ErrorClassificationTests {
    @Test("every documented business code has its class")
    func businessCodes() {
        let expected: [CometAPIError.Kind: [Int]] = [
            .permanent: [1000, 1001, 1002, 1003, 1004, 1103, 1200, 1201, 1202, 1203, 1300, 1301, 1304],
            .account: [1100, 1101, 1102],
            .throttled: [1302, 1303],
            .transient: [5000, 5001, 5002],
        ]
        for (kind, codes) in expected {
            for code in codes { #expect(ErrorClassification.kind(forBusinessCode: code) == kind, "code \(code)") }
        }
        #expect(ErrorClassification.kind(forBusinessCode: 4242) == nil)
        #expect(ErrorClassification.kind(forBusinessCode: 0) == nil)
    }

    @Test("HTTP status classes", arguments: [
        (301, CometAPIError.Kind.permanent, CometAPIError.Kind.permanent),
        (400, .permanent, .permanent), (401, .permanent, .permanent), (403, .permanent, .permanent),
        (404, .permanent, .permanent), (408, .transient, .transient), (429, .throttled, .throttled),
        (500, .transient, .transient), (502, .transient, .transient), (503, .transient, .transient),
        (504, .transient, .ambiguous), (524, .transient, .ambiguous),
    ])
    func statuses(status: Int, forQuery: CometAPIError.Kind, forCreate: CometAPIError.Kind) {
        #expect(ErrorClassification.kind(forHTTPStatus: status, operation: .queryAvatarTask) == forQuery)
        #expect(ErrorClassification.kind(forHTTPStatus: status, operation: .createAvatarTask) == forCreate)
    }

    @Test("transport failures: only a create after sending is ambiguous")
    func transport() {
        #expect(ErrorClassification.kind(forTransportFailureAfterSending: true, operation: .createAvatarTask) == .ambiguous)
        #expect(ErrorClassification.kind(forTransportFailureAfterSending: false, operation: .createAvatarTask) == .transient)
        #expect(ErrorClassification.kind(forTransportFailureAfterSending: true, operation: .queryAvatarTask) == .transient)
        #expect(ErrorClassification.kind(forTransportFailureAfterSending: true, operation: .createSpeech) == .transient)
    }
}

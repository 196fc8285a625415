import AvatarJobs
import Testing

/// Pins `external_task_id` and `event_id` byte for byte, so the digest under them can be replaced without one id
/// changing: an id that changed would make a restarted worker submit a redelivered job as a new, second paid task,
/// and make subscribers keep a duplicate event.
///
/// The lengths are those of the hashed input around SHA-256's block edges (55 bytes is the longest that pads into one
/// 64-byte block, 56 the shortest that needs two; 119 and 120 the same for three), and the expected values were
/// computed by the hand-written digest these tests were written against and checked with Python's `hashlib`.
@Suite("Stable identifiers pinned across SHA-256 block boundaries")
struct StableIdentifierVectorTests {
    /// A job id of `length` bytes, all of `[A-Za-z0-9._:-]`.
    private static func jobID(length: Int) -> String {
        String(String(repeating: "order-0123456789:ABCxyz_.", count: 20).prefix(length))
    }

    @Test("external_task_id for job ids whose hashed input (the id) is 55 to 300 bytes", arguments: [
        (55, "aw-order-0123456789-36af431cef897adaa86077229cebb3bb-a1"),
        (56, "aw-order-0123456789-646cd14d3e18fe154c40f8b9c4d78002-a1"),
        (63, "aw-order-0123456789-73ca14e5ccba481697a7145b73adf5c5-a1"),
        (64, "aw-order-0123456789-865d6f43471bb42a51df05490bcd540e-a1"),
        (65, "aw-order-0123456789-2a02e9b20fc9c496a73764e7c0a4223f-a1"),
        (119, "aw-order-0123456789-b6b424729572aeb0461742d2aedf8d36-a1"),
        (120, "aw-order-0123456789-b98ce68ac78ebbf6ca908cd069d27e7f-a1"),
        (300, "aw-order-0123456789-87c969111f9555324ceba2af48135890-a1"),
    ])
    func externalTaskIDs(length: Int, expected: String) {
        let jobID = Self.jobID(length: length)
        #expect(jobID.utf8.count == length)
        #expect(StableIdentifiers.externalTaskID(jobID: jobID, attempt: 1) == expected)
    }

    @Test("terminal event_id where job id, NUL and 'succeeded' hash to 55 to 300 bytes", arguments: [
        (55, "ev1-e323bfd6bc3e16b7da97b9b5c1362bc4"),
        (56, "ev1-1306df102313b8908d85db830e27094d"),
        (63, "ev1-9d204bd5db5e6d3055b58d23c3cd4781"),
        (64, "ev1-afba79a2c078655d9ca734fa309fd891"),
        (65, "ev1-1293b26aa5460e213de9fdff1cee58b2"),
        (119, "ev1-300572bf0a95bff4522787c713eac948"),
        (120, "ev1-4f3122886b1150f19f202693fd97f8ba"),
        (300, "ev1-f0dc3c7dab05d14d8ef3b8035bff5b29"),
    ])
    func terminalEventIDs(hashedLength: Int, expected: String) {
        let jobID = Self.jobID(length: hashedLength - "\u{0}succeeded".utf8.count)
        #expect(StableIdentifiers.eventID(jobID: jobID, type: "succeeded", attempt: nil) == expected)
    }

    @Test("progress event_id where job id, 'processing' and attempt 3 hash to 55 to 300 bytes", arguments: [
        (55, "ev1-31a3da42eba9c533991dd2d876f51bd7"),
        (56, "ev1-e18375388c4247ce6194e499fbc614ac"),
        (63, "ev1-19405605b874c82898b45bb2f366401f"),
        (64, "ev1-f55c5b17cfa85a6a7f1049d2c8c987b4"),
        (65, "ev1-9604f1bc63765c7dbce1e1f9badee749"),
        (119, "ev1-5ad9c9198bfb7b199dc7d995aa1a8339"),
        (120, "ev1-3e5e188d4df301f08b4a9ec59fdb892f"),
        (300, "ev1-a8e7d21123e89ac5992cab5de253585f"),
    ])
    func progressEventIDs(hashedLength: Int, expected: String) {
        let jobID = Self.jobID(length: hashedLength - "\u{0}processing\u{0}3".utf8.count)
        #expect(StableIdentifiers.eventID(jobID: jobID, type: "processing", attempt: 3) == expected)
    }

    /// Ids that are not ASCII hash their UTF-8 bytes; the readable prefix keeps only `[A-Za-z0-9._:-]` of the first 16
    /// scalars. 28 × "ä" is 56 bytes of two-byte characters; "x" and 14 emoji put a four-byte character across byte 56.
    @Test("non-ASCII job ids: external_task_id for attempts 1 and 7, and the 'failed' event_id", arguments: [
        ("größe-bestellung-ü", "aw-gre-bestellung-ba5ecad11a2f6197e4766c79a0ff2c94", "ev1-dee5b7f0a2b67cb81f6d85e16a4a787f"),
        ("注文-123", "aw--123-0f144787b59775f4d815a2d49ceb381e", "ev1-2804b24827e7ca709232593c558a819d"),
        ("emoji-😀-🎬", "aw-emoji---8950ab121d5217facb7f1ec63dbdb594", "ev1-2de9dbee193cf2b885b92a8e928201df"),
        ("e\u{301}-combining", "aw-e-combining-fa5887479f787ded0873e4af03e0dc68", "ev1-6ec0499baab16a4920406716959508bc"),
        (String(repeating: "ä", count: 28), "aw--6b81d8beee88ff25649449f122b911e4", "ev1-741388e3ff7a2d2b390a19059918abc1"),
        ("x" + String(repeating: "😀", count: 14), "aw-x-e05f88b1849a05b85fe1669e031b861f", "ev1-1bd9eb424e00d2f0a5314ef73f3ac084"),
    ])
    func nonASCIIJobIDs(jobID: String, externalStem: String, failedEventID: String) {
        #expect(StableIdentifiers.externalTaskID(jobID: jobID, attempt: 1) == externalStem + "-a1")
        #expect(StableIdentifiers.externalTaskID(jobID: jobID, attempt: 7) == externalStem + "-a7")
        #expect(StableIdentifiers.eventID(jobID: jobID, type: "failed", attempt: nil) == failedEventID)
    }

    /// FIPS 180-2's and NIST's published SHA-256 test vectors, seen through the 32 hex digits (the first 16 digest
    /// bytes) that `external_task_id` carries: the one-block "abc", the 448-bit message that needs a second block for
    /// its length, the 896-bit two-block message and the empty message (a million "a" follows on its own).
    @Test("standard SHA-256 vectors through external_task_id", arguments: [
        ("", "aw--e3b0c44298fc1c149afbf4c8996fb924-a1"),
        ("abc", "aw-abc-ba7816bf8f01cfea414140de5dae2223-a1"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "aw-abcdbcdecdefdefg-248d6a61d20638b8e5c026930c3e6039-a1"),
        (
            "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu",
            "aw-abcdefghbcdefghi-cf5b16a778af8380036ce59e7b049237-a1"
        ),
    ])
    func standardVectors(message: String, expected: String) {
        #expect(StableIdentifiers.externalTaskID(jobID: message, attempt: 1) == expected)
    }

    @Test("standard SHA-256 vector: a million 'a' (15,625 blocks) through external_task_id")
    func millionA() {
        let message = String(repeating: "a", count: 1_000_000)
        #expect(StableIdentifiers.externalTaskID(jobID: message, attempt: 1)
            == "aw-aaaaaaaaaaaaaaaa-cdc76e5c9914fb9281a1c7e284d73e67-a1")
    }
}

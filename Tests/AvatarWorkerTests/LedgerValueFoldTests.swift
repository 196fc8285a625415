import AvatarWorker
import TestSupport
import Testing

/// The restore folds undecoded values first and decodes only what survives; it must restore exactly the jobs an
/// eager fold (decode every record, skip what does not decode) restores, with the same records and offsets.
@Suite("Ledger value fold (decode only live records)")
struct LedgerValueFoldTests {
    /// A test payload: "s:<n>" (submitting), "d:<n>" (submitted), "p:<n>" (published); "bad" never decodes.
    struct Unreadable: Error {}

    static func decode(_ bytes: [UInt8]) throws -> TaskLedgerRecord<String> {
        let text = String(decoding: bytes, as: UTF8.self)
        switch text.first {
        case "s": return .submitting(text)
        case "d": return .submitted(text)
        case "p": return .published(text)
        default: throw Unreadable()
        }
    }

    /// A random history over a few keys: values of every kind, unreadable ones and tombstones.
    static func history(seed: UInt64, length: Int) -> [(offset: Int64, jobID: String, bytes: [UInt8]?)] {
        var random = SeededRandom(seed: seed)
        let kinds = ["s", "d", "p", "bad", nil, nil]
        return (0..<length).map { index in
            let kind = kinds[Int(random.next() % UInt64(kinds.count))]
            return (Int64(index * 2), "job-\(random.next() % 10)", kind.map { Array("\($0):\(index)".utf8) })
        }
    }

    @Test("decoding only the survivors gives the eager fold's live entries, over 300 random histories")
    func agreesWithEagerFold() {
        for seed: UInt64 in 1...300 {
            let records = Self.history(seed: seed, length: 80)
            var eager = TaskLedgerIndex<String>()
            var fold = LedgerValueFold()
            for record in records {
                fold.apply(offset: record.offset, jobID: record.jobID, bytes: record.bytes)
                if let bytes = record.bytes {
                    if let decoded = try? Self.decode(bytes) { eager.apply(offset: record.offset, jobID: record.jobID, record: decoded) }
                } else {
                    eager.apply(offset: record.offset, jobID: record.jobID, record: .tombstone)
                }
            }
            var lazy = TaskLedgerIndex<String>()
            var rejected = 0
            for entry in fold.decodeLive(Self.decode, unreadable: { _, _, _ in rejected += 1 }) {
                lazy.apply(offset: entry.offset, jobID: entry.jobID, record: entry.payload)
            }
            let expected = eager.liveEntries.map { "\($0.jobID)@\($0.offset)=\($0.state):\($0.payload)" }
            let actual = lazy.liveEntries.map { "\($0.jobID)@\($0.offset)=\($0.state):\($0.payload)" }
            #expect(actual == expected, "seed \(seed)")
            #expect(rejected <= records.count { $0.bytes.map { String(decoding: $0, as: UTF8.self).hasPrefix("bad") } ?? false })
        }
    }

    @Test("a key's newest unreadable value falls back to its previous readable one; a tombstone forgets both")
    func unreadableNewest() {
        var fold = LedgerValueFold()
        fold.apply(offset: 1, jobID: "a", bytes: Array("d:1".utf8))
        fold.apply(offset: 2, jobID: "a", bytes: Array("bad".utf8))
        fold.apply(offset: 3, jobID: "b", bytes: Array("s:3".utf8))
        fold.apply(offset: 4, jobID: "b", bytes: nil)
        fold.apply(offset: 5, jobID: "c", bytes: Array("bad".utf8))
        var reported: [String] = []
        let live = fold.decodeLive(Self.decode) { offset, jobID, _ in reported.append("\(jobID)@\(offset)") }
        #expect(live.map { "\($0.jobID)@\($0.offset)" } == ["a@1"])
        #expect(reported.sorted() == ["a@2", "c@5"])
        #expect(fold.liveKeys == 2)
    }

    @Test("dead keys are never decoded: 20,000 records of finished jobs decode nothing")
    func deadKeysNotDecoded() {
        var fold = LedgerValueFold()
        for index in 0..<10_000 {
            fold.apply(offset: Int64(index * 2), jobID: "dead-\(index)", bytes: Array("d:\(index)".utf8))
            fold.apply(offset: Int64(index * 2 + 1), jobID: "dead-\(index)", bytes: nil)
        }
        var decodes = 0
        let live = fold.decodeLive({ bytes in decodes += 1; return try Self.decode(bytes) }, unreadable: { _, _, _ in })
        #expect(live.isEmpty)
        #expect(decodes == 0)
    }
}

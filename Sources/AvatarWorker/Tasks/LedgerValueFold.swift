/// The values of a ledger partition's keys as a restore reads them, kept undecoded: per key, the values written since
/// its last tombstone, oldest first. Only what survives the fold is decoded afterwards (``decodeLive(_:unreadable:)``).
///
/// Why: decoding every record a restore read was the successor's largest single cost in `bench recovery` (Foundation's
/// `JSONDecoder` with ISO 8601 dates, 18 % of its samples in `perf`, about 40 µs a record), yet most records a restore
/// reads are dead: a job's `submitting` record is followed by its `submitted` one, and a finished job by its tombstone.
/// Folding first decodes one record per live job and nothing of a finished one.
///
/// The result is the index an eager fold gives (``TaskLedgerIndex/apply(offset:jobID:record:)`` over every record that
/// decodes, in offset order, an undecodable one skipped), including its one subtle case: when a key's latest value
/// cannot be decoded, the eager fold keeps the key's previous decodable value, so this keeps every value since the
/// tombstone and decodes from the newest back until one decodes. `LedgerValueFoldTests` checks the two agree over
/// random histories with unreadable values.
public struct LedgerValueFold: Sendable {
    /// One value of a key.
    public struct Value: Sendable {
        public let offset: Int64
        public let bytes: [UInt8]
    }

    private var values: [String: [Value]] = [:]

    public init() {}

    /// How many keys have a value since their last tombstone.
    public var liveKeys: Int { values.count }

    /// Folds one keyed record read at `offset` (ascending; nil `bytes`: a tombstone).
    public mutating func apply(offset: Int64, jobID: String, bytes: [UInt8]?) {
        guard let bytes else {
            values[jobID] = nil
            return
        }
        values[jobID, default: []].append(Value(offset: offset, bytes: bytes))
    }

    /// The live jobs in offset order: for each key its newest value that `decode` accepts (nil: none does, the key is
    /// not live), each value `decode` rejects reported to `unreadable` (newest first within a key).
    public func decodeLive<Payload>(
        _ decode: ([UInt8]) throws -> Payload, unreadable: (_ offset: Int64, _ jobID: String, _ error: any Error) -> Void
    ) -> [(offset: Int64, jobID: String, payload: Payload)] {
        var live: [(offset: Int64, jobID: String, payload: Payload)] = []
        live.reserveCapacity(values.count)
        for (jobID, history) in values {
            for value in history.reversed() {
                do {
                    live.append((value.offset, jobID, try decode(value.bytes)))
                    break
                } catch {
                    unreadable(value.offset, jobID, error)
                }
            }
        }
        live.sort { $0.offset < $1.offset }
        return live
    }
}

import AvatarJobs
import Foundation

/// One entry of the replay log (a compacted topic keyed by the dead letter's position `topic/partition/offset`):
/// the durable memory of `dlq replay`, so a second run — from any machine — never replays a dead letter again.
///
/// A replay writes `replaying` (acknowledged) before it produces the job, and `replayed` with the job's offset after.
/// A `replaying` entry without a `replayed` one means the run stopped in between: the next run looks for the job
/// message by its `avatar-replay-of` header on the jobs partition from `jobsScanFrom` on, and records what it finds
/// instead of producing the job twice. Among runs racing for one dead letter, the first `replaying` entry in log
/// order wins; the others withdraw before producing.
struct ReplayLogRecord: Codable, Sendable, Hashable {
    /// The two states of an entry.
    enum State: String, Codable, Sendable {
        /// Claimed: the job is about to be (or may have been) produced.
        case replaying
        /// Produced and acknowledged at `jobsOffset`.
        case replayed
    }

    /// Always `avatar-dlq-replay.v1`.
    var schema = ReplayLogRecord.schemaName
    /// The state.
    var state: State
    /// The dead letter's position (the record key).
    var deadLetter: String
    /// The run that wrote the entry (the claim).
    var runID: String
    /// The job id the replayed message carries, when it has one.
    var jobID: String?
    /// Whether a corrected message was produced (else the original bytes).
    var corrected: Bool
    /// The jobs topic written to.
    var jobsTopic: String
    /// Its partition.
    var jobsPartition: Int32
    /// The jobs partition's end before producing: where a later run looks for the message.
    var jobsScanFrom: Int64
    /// The replayed message's offset (`replayed` only).
    var jobsOffset: Int64?
    /// When the entry was written.
    var at: Date
    /// The host that wrote it.
    var host: String

    /// The schema name.
    static let schemaName = "avatar-dlq-replay.v1"
    /// The header carrying the dead letter's position on a replayed job message.
    static let replayHeader = "avatar-replay-of"

    enum CodingKeys: String, CodingKey {
        case schema, state, corrected, at, host
        case deadLetter = "dead_letter", runID = "run_id", jobID = "job_id", jobsTopic = "jobs_topic"
        case jobsPartition = "jobs_partition", jobsScanFrom = "jobs_scan_from", jobsOffset = "jobs_offset"
    }

    /// The entry as JSON bytes.
    func encoded() throws -> [UInt8] { Array(try ContractCoding.encoder().encode(self)) }

    /// Reads an entry; nil for anything else (another tool's record, a tombstone).
    static func decode(_ bytes: [UInt8]?) -> ReplayLogRecord? {
        guard let bytes, let record = try? ContractCoding.decoder().decode(ReplayLogRecord.self, from: Data(bytes)),
              record.schema == schemaName
        else { return nil }
        return record
    }
}

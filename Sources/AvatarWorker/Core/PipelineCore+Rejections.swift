import AvatarJobs
import Foundation

/// Rejections and dead letters already published whose offsets no commit covers yet.
///
/// A message's fate becomes durable out of order: a rejection published at offset 12 while offset 10 is still being
/// submitted cannot be committed. If the partition is handed over then, the next owner gets offset 12 again and
/// would publish the rejection a second time. So the hand-over writes a small `published` ledger record for each
/// such rejection, keyed `rejected/<partition>/<offset>` (outside the job id alphabet, so it never collides with a
/// job's record), and the next owner answers that offset without publishing; the record is tombstoned once a commit
/// covers it.
struct PublishedRejections: Sendable {
    /// Published by this process, by partition: offsets above the last commit.
    var published: [Int32: Set<Int64>] = [:]
    /// Found on restore, by partition: offsets another owner published.
    var restored: [Int32: Set<Int64>] = [:]

    /// The ledger key of the marker for `offset` of `partition`.
    static func key(partition: Int32, offset: Int64) -> String { "rejected/\(partition)/\(offset)" }

    /// The partition and offset a marker key names, or nil for a job's key.
    static func parse(_ key: String) -> (partition: Int32, offset: Int64)? {
        let parts = key.split(separator: "/")
        guard parts.count == 3, parts[0] == "rejected", let partition = Int32(parts[1]), let offset = Int64(parts[2])
        else { return nil }
        return (partition, offset)
    }
}

extension PipelineCore {
    /// A rejection or dead letter of `partition` at `offset` was acknowledged.
    mutating func rejectionPublished(partition: Int32, offset: Int64) {
        rejections.published[partition, default: []].insert(offset)
    }

    /// Whether another owner already published the rejection at `offset`: then it is only marked durable.
    mutating func isRestoredRejection(partition: Int32, offset: Int64) -> Bool {
        rejections.restored[partition]?.contains(offset) ?? false
    }

    /// After a commit of `partition`: forget what it covers, and tombstone covered markers of other owners.
    mutating func rejectionsCommitted(partition: Int32, committed: Int64, _ step: inout Step) {
        rejections.published[partition] = rejections.published[partition]?.filter { $0 >= committed }
        guard let restored = rejections.restored[partition] else { return }
        for offset in restored.sorted() where offset < committed {
            partitionWrite(LedgerWrite(
                partition: partition, jobID: PublishedRejections.key(partition: partition, offset: offset), record: nil), &step)
        }
        rejections.restored[partition] = restored.filter { $0 >= committed }
    }

    /// Writes the markers of `partition`'s rejections no commit covers: kept trying during a hand-over, best effort
    /// after a loss.
    mutating func writeRejectionMarkers(of partition: Int32, committed: Int64, bestEffort: Bool, _ step: inout Step) {
        guard let published = rejections.published[partition] else { return }
        for offset in published.sorted() where offset >= committed {
            let write = LedgerWrite(
                partition: partition, jobID: PublishedRejections.key(partition: partition, offset: offset),
                record: rejectionMarker(partition: partition, offset: offset, step))
            if bestEffort { orphanWrite(write, until: orphanWindow(from: step.now), &step) } else { partitionWrite(write, &step) }
        }
    }

    /// The `published` record that tells the next owner a rejection at `offset` is out.
    func rejectionMarker(partition: Int32, offset: Int64, _ step: Step) -> AvatarTaskRecord {
        let key = PublishedRejections.key(partition: partition, offset: offset)
        return AvatarTaskRecord(
            rejectionMarker: key, externalTaskID: StableIdentifiers.externalTaskID(jobID: key, attempt: 0),
            partition: Int(partition), offset: offset, now: step.now.date, worker: options.worker)
    }

    /// A best-effort write for a partition that is lost, written again after a failure until `until`.
    mutating func orphanWrite(_ write: LedgerWrite, until: WallClock.Instant, _ step: inout Step) {
        guard step.now < until else { return }
        let id = nextID()
        pending[id] = .orphanWrite(write, until: until)
        step.commands.append(.writeLedger(id: id, write))
    }

    /// Until when a lost partition's best-effort writes are worth making (again, after a failure): the grace its
    /// next owner gives this process's creates, less a quarter (at least 5 s) for the write to land. A stall of the
    /// broker delays both sides alike: the next owner cannot restore before the broker answers again.
    func orphanWindow(from lostAt: WallClock.Instant) -> WallClock.Instant {
        lostAt.advanced(by: options.priorOwnerGrace - max(.seconds(5), options.priorOwnerGrace / 4))
    }

    /// A write of the partition that is written again until it succeeds while the partition is still this
    /// assignment's (a hand-over waits for it).
    mutating func partitionWrite(_ write: LedgerWrite, _ step: inout Step) {
        guard let epoch = owned[write.partition]?.epoch else { return }
        let id = nextID()
        pending[id] = .partitionWrite(PartitionAssignment(partition: write.partition, epoch: epoch), write)
        step.commands.append(.writeLedger(id: id, write))
    }
}

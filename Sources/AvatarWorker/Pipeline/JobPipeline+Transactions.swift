import Foundation
import Kafka

/// One Kafka transaction's worth of writes in exactly-once mode.
struct TransactionBatch: Sendable {
    /// Results (with tombstones), rejections and DLQ entries.
    var publications: [Publication]
    /// The next offset to consume per jobs partition, committed by the transaction.
    var offsets: [Int32: Int64]
}

/// Exactly-once mode: results, their tombstones and the job offsets committed in one transaction.
///
/// Offsets are committed only here (nothing is stored for auto-commit). A result carrying its tombstone waits for a
/// transaction whose committed offset passes its job: otherwise a crash after the transaction would leave the job
/// uncommitted with its ledger record gone, and its redelivery would be created again. Rejections and DLQ entries
/// settle their own offsets, which are marked durable here so the same transaction commits them.
extension JobPipeline {
    /// The next transaction's contents, or nil when there is nothing to write or commit.
    func takeTransactionBatch() -> TransactionBatch? {
        state.withLock { state in
            let owned = state.publications.filter { state.owns($0.partition, epoch: $0.epoch) }
            state.publications = owned
            for publication in state.publications {
                if let offset = publication.directOffset {
                    state.offsets.markDurable(offset: offset, partition: publication.partition, epoch: publication.epoch)
                }
            }
            var ready: [Publication] = []
            var waiting: [Publication] = []
            for publication in state.publications {
                if let covered = publication.coveredOffset,
                   (committedOrCommittable(publication.partition, state: state) ?? -1) <= covered
                {
                    waiting.append(publication)
                } else {
                    ready.append(publication)
                }
            }
            state.publications = waiting
            var offsets: [Int32: Int64] = [:]
            for partition in state.offsets.partitions {
                if let committable = state.offsets.committableOffset(of: partition),
                   committable > (state.committed[partition] ?? -1)
                {
                    offsets[partition] = committable
                }
            }
            guard !ready.isEmpty || !offsets.isEmpty else { return nil }
            return TransactionBatch(publications: ready, offsets: offsets)
        }
    }

    private func committedOrCommittable(_ partition: Int32, state: PipelineState) -> Int64? {
        let committable = state.offsets.committableOffset(of: partition)
        let committed = state.committed[partition]
        switch (committable, committed) {
        case let (lhs?, rhs?): return max(lhs, rhs)
        default: return committable ?? committed
        }
    }

    /// The batch's transaction committed.
    func transactionCommitted(_ batch: TransactionBatch) {
        committed(batch.offsets)
        for publication in batch.publications { published(publication) }
    }

    /// The batch's transaction was aborted: its publications go back to the queue.
    func transactionFailed(_ batch: TransactionBatch) {
        state.withLock { state in
            let kept = batch.publications.filter { state.owns($0.partition, epoch: $0.epoch) }
            state.publications.insert(contentsOf: kept, at: 0)
        }
    }
}

import AvatarJobs

/// The restore checkpoint: how a restore reads only what may still be live, not the ledger's whole history.
///
/// Kafka never compacts a partition's active segment, so a restore that read each ledger partition from the
/// beginning would grow with its history. Instead the group keeps, as its committed offset of each ledger partition,
/// an offset below which every record is dead; a restore starts there (``Command/readLedger(id:partition:from:)``
/// with `from` nil). The owner moves it forward: the restore's read, then a scan every `checkpointInterval` from
/// where the last read ended, are folded into ``LedgerLiveOffsets``, whose lowest live offset is committed whenever
/// it is above what the group holds, and again every ``checkpointRefresh`` so the group never expires it (Kafka
/// expires offsets of topics a group does not subscribe to after `offsets.retention.minutes`).
///
/// The value is computed only from reads, never from this process's own writes: a prior owner's late answers (or
/// a stalled one's) land between them, and a fold that skipped them could pass a live record. Any value a fold of
/// a contiguous read yields stays safe forever, because a dead record never becomes live again; so a commit that
/// lands late, one from a process that lost the partition, or a crash between a scan and its commit, can only leave
/// the checkpoint lower than it could be, never above a live record. The one thing that breaks contiguity is a
/// partition whose offsets go back (the topic deleted and made again, an unclean leader election): a scan that
/// reports it makes the fold start again from offset 0, and the next commit overwrites the checkpoint.
extension PipelineCore {
    /// How often an unchanged checkpoint is committed again, so the group keeps it.
    static let checkpointRefresh: Duration = .seconds(3600)

    /// Arms the partition's next scan.
    mutating func armCheckpointScan(_ partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        timers.arm(.checkpointScan(partition, epoch), at: step.now.advanced(by: options.checkpointInterval))
    }

    /// A scan is due: read the ledger partition from where the last read ended.
    mutating func checkpointScanDue(_ partition: Int32, epoch: AssignmentEpoch, _ step: inout Step) {
        guard var owned = owned[partition], owned.epoch == epoch, owned.phase == .active,
              let fold = owned.ledgerOffsets, !owned.scanInFlight
        else { return }
        owned.scanInFlight = true
        self.owned[partition] = owned
        let id = nextID()
        pending[id] = .scan(PartitionAssignment(partition: partition, epoch: epoch))
        step.commands.append(.scanLedger(id: id, partition: partition, from: fold.next))
    }

    mutating func ledgerScanned(_ id: UInt64, _ result: LedgerScanResult, _ step: inout Step) {
        guard case .scan(let assignment)? = pending.removeValue(forKey: id),
              var owned = owned[assignment.partition], owned.epoch == assignment.epoch
        else { return }
        owned.scanInFlight = false
        switch result {
        case .scanned(let marks, let end):
            if var fold = owned.ledgerOffsets {
                if end < fold.next || (marks.first.map { $0.offset < fold.next } ?? false) {
                    // The partition's offsets went back: what was folded no longer describes it.
                    step.log(.error, "ledger partition offsets went back; its restore checkpoint is rebuilt from offset 0", [
                        "partition": "\(assignment.partition)", "expected_from": "\(fold.next)", "end": "\(end)",
                        "first_read": marks.first.map { "\($0.offset)" } ?? "none",
                    ])
                    fold = LedgerLiveOffsets(startingAt: 0)
                    owned.checkpointCommitted = -1
                } else {
                    for mark in marks { fold.apply(checked(mark)) }
                    fold.advance(to: end)
                }
                owned.ledgerOffsets = fold
                step.observe(.ledgerCheckpoint(
                    partition: assignment.partition, checkpoint: max(0, owned.checkpointCommitted), end: fold.next))
            }
            self.owned[assignment.partition] = owned
            commitCheckpointIfAdvanced(assignment.partition, &step)
        case .failed(let reason):
            self.owned[assignment.partition] = owned
            step.log(.warning, "ledger scan for the restore checkpoint failed; scanning again later", [
                "partition": "\(assignment.partition)", "error": reason,
            ])
        }
        if owned.phase == .active { armCheckpointScan(assignment.partition, epoch: assignment.epoch, &step) }
    }

    /// Commits the partition's checkpoint when the fold shows it can move up (or it is due again) and no commit of
    /// it is under way.
    mutating func commitCheckpointIfAdvanced(_ partition: Int32, _ step: inout Step) {
        guard var owned = owned[partition], owned.phase == .active, !owned.checkpointInFlight,
              let fold = owned.ledgerOffsets
        else { return }
        let refreshDue = owned.checkpointCommittedAt.map { $0.duration(to: step.now) >= Self.checkpointRefresh } ?? true
        guard fold.checkpoint > owned.checkpointCommitted || (fold.checkpoint > 0 && refreshDue) else { return }
        owned.checkpointInFlight = true
        self.owned[partition] = owned
        let id = nextID()
        pending[id] = .checkpoint(PartitionAssignment(partition: partition, epoch: owned.epoch), offset: fold.checkpoint, end: fold.next)
        step.commands.append(.commitCheckpoint(id: id, partition: partition, offset: fold.checkpoint))
    }

    mutating func checkpointCommitted(_ id: UInt64, succeeded: Bool, _ step: inout Step) {
        guard case .checkpoint(let assignment, let offset, let end)? = pending.removeValue(forKey: id),
              var owned = owned[assignment.partition], owned.epoch == assignment.epoch
        else { return }
        owned.checkpointInFlight = false
        if succeeded {
            owned.checkpointCommitted = offset
            owned.checkpointCommittedAt = step.now
            step.observe(.ledgerCheckpoint(partition: assignment.partition, checkpoint: offset, end: end))
        } else {
            step.log(.warning, "restore checkpoint commit failed; the next scan tries again", [
                "partition": "\(assignment.partition)", "offset": "\(offset)",
            ])
        }
        self.owned[assignment.partition] = owned
    }

    /// A mark as the fold sees it (the planted `checkpointPastSubmitting` counts `submitting` records as dead).
    private func checked(_ mark: LedgerMark) -> LedgerMark {
        guard options.plantedBug == .checkpointPastSubmitting, mark.state == .submitting else { return mark }
        return LedgerMark(offset: mark.offset, jobID: mark.jobID, state: nil)
    }
}

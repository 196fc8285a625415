import AvatarJobs
import CometAPI

extension PipelineCore {
    /// What the driver must do, in the order given. I/O commands carry an `id` that their answer event repeats.
    ///
    /// Synchronous consumer calls (`pause`, `resume`, `storeOffset`) must be performed before any later command is
    /// started, so a commit never misses an offset stored before it was asked for.
    public enum Command: Sendable {
        /// Pause fetching from a jobs partition.
        case pause(Int32)
        /// Resume fetching from a jobs partition this core paused.
        case resume(Int32)
        /// Store the next offset to consume of a jobs partition for the next commit.
        case storeOffset(partition: Int32, offset: Int64, kafkaEpoch: UInt64)
        /// Read ledger partition `partition` from `from` to its end, and then the group's committed offset of the
        /// jobs partition; answer with ``Event/ledgerRead(id:_:)``. `from` nil is a restore: read from the group's
        /// restore checkpoint of the ledger partition (its committed offset), or from the beginning when there is
        /// none or it lies outside the partition.
        case readLedger(id: UInt64, partition: Int32, from: Int64?)
        /// Read ledger partition `partition` from `from` to its end and answer with every keyed record's offset, key
        /// and state (``Event/ledgerScanned(id:_:)``).
        case scanLedger(id: UInt64, partition: Int32, from: Int64)
        /// Commit `offset` as the group's offset of ledger partition `partition` (its restore checkpoint); answer
        /// with ``Event/checkpointCommitted(id:succeeded:)``. Outside any transaction, in both delivery modes.
        case commitCheckpoint(id: UInt64, partition: Int32, offset: Int64)
        /// Write a ledger record (or tombstone) and answer with ``Event/ledgerWritten(id:succeeded:)``.
        case writeLedger(id: UInt64, LedgerWrite)
        /// Call create and answer with ``Event/createAnswered(id:_:)``.
        case create(id: UInt64, CreateCall)
        /// Query by `external_task_id` and answer with ``Event/reconciled(id:_:)``.
        case reconcile(id: UInt64, externalTaskID: String)
        /// Query the task and answer with ``Event/polled(id:_:)``.
        case query(id: UInt64, taskID: String)
        /// Write these records (results, dead letters, tombstones) and answer with ``Event/published(id:succeeded:)``
        /// once all are acknowledged (or one failed).
        case publish(id: UInt64, [OutgoingRecord])
        /// Commit these next offsets of jobs partitions for the group; answer with ``Event/committed(id:succeeded:)``.
        case commit(id: UInt64, offsets: [Int32: Int64])
        /// Exactly-once mode: write the records and commit the offsets in one Kafka transaction; answer with
        /// ``Event/transactionEnded(id:succeeded:)``.
        case transaction(id: UInt64, records: [OutgoingRecord], offsets: [Int32: Int64])
        /// These revoked partitions are handed over: the rebalance may go on.
        case finishRevocation([Int32])
        /// Shutdown's hand-over is complete: nothing is in flight and nothing more will be asked for.
        case drained
        /// A log line.
        case log(LogEntry)
        /// A fact for metrics.
        case observe(Observation)
    }

    /// One ledger write: a record, or a tombstone when `record` is nil, to ledger partition `partition`.
    public struct LedgerWrite: Sendable, Hashable {
        /// The ledger partition (the job's partition number).
        public var partition: Int32
        /// The record key.
        public var jobID: String
        /// The record, or nil for a tombstone.
        public var record: AvatarTaskRecord?
    }

    /// One create call.
    public struct CreateCall: Sendable {
        /// The job to submit.
        public var job: ValidatedJob
        /// The `external_task_id` to send.
        public var externalTaskID: String
        /// Whether this call is the account gate's probe.
        public var isProbe: Bool
        /// When this process received the job's message, set on the first create this process sends for it (for the
        /// `intake_to_create` stage); nil on a retry, a probe's re-send or a restored job.
        public var receivedAt: WallClock.Instant? = nil
    }

    /// A record the publisher writes.
    public enum OutgoingRecord: Sendable {
        /// A result event (terminal or progress) to the results topic, with the job's `traceparent`.
        case result(AvatarResultEvent, traceparent: String?)
        /// The dead-letter copy of an unreadable message.
        case deadLetter(DeadLetter)
        /// A ledger tombstone (exactly-once mode: in the same transaction as the result).
        case tombstone(jobID: String, partition: Int32)
    }

    /// The dead-letter copy of an unreadable job message: original key and bytes, the reason, where it came from.
    public struct DeadLetter: Sendable {
        /// The original message.
        public var raw: RawMessage
        /// The error code.
        public var code: String
        /// Why it cannot be read as a job.
        public var reason: String
        /// Where it was consumed.
        public var partition: Int32
        /// Its offset.
        public var offset: Int64
    }

    /// A log line the driver writes through its logger.
    public struct LogEntry: Sendable {
        /// How severe.
        public enum Level: Sendable { case debug, info, notice, warning, error }
        /// Its level.
        public var level: Level
        /// The message.
        public var message: String
        /// Key–value context; job lines carry `job_id`, `partition`, `offset` and `task_id` when known.
        public var metadata: [String: String]
    }

    /// A fact the driver turns into metrics.
    public enum Observation: Sendable {
        /// A message was consumed.
        case consumed
        /// A job was refused with this code.
        case rejected(code: String)
        /// A message was dead-lettered with this code.
        case deadLettered(code: String)
        /// A task was created, or a create failed in `kind` (`permanent`, `throttled`, …) with business `code`.
        case createFinished(failure: CometAPIError.Kind?, businessCode: Int?, seconds: Double)
        /// A poll answered after this long.
        case pollFinished(seconds: Double)
        /// A task ended (succeeded, failed, deadline exceeded) after running this long, in `mode`, polled `polls` times.
        case taskEnded(mode: PollMode, outcome: TaskOutcome, seconds: Double, polls: Int)
        /// A job's terminal result was decided (its slot is free from now on; the publication follows).
        case resultDecided(jobID: String, type: String)
        /// A terminal result (with its error code when it failed) was acknowledged this long after its job was
        /// consumed; `nil` where the core keeps no consumption instant (a job restored from the ledger, a rejection).
        /// `secondsSinceDecided` runs from the moment the outcome was decided (nil for a rejection, which has none).
        case resultAcked(
            type: AvatarResultEvent.EventType, errorCode: String?, secondsSinceConsumed: Double?,
            secondsSinceDecided: Double? = nil)
        /// A partition's in-flight tasks, its current limit and its share of the fleet cap.
        case partitionCapacity(partition: Int32, inFlight: Int, limit: Int, share: Int)
        /// A partition was given up.
        case partitionReleased(partition: Int32)
        /// A ledger restore took this long, read the offsets `from..<end` and found this many live records.
        case restoreFinished(partition: Int32, seconds: Double, liveRecords: Int, from: Int64, end: Int64)
        /// Where ledger partition `partition` stands after a restore, scan or checkpoint commit: the group's restore
        /// checkpoint and the partition's end as last read, so a restore now would read `end - checkpoint` offsets.
        case ledgerCheckpoint(partition: Int32, checkpoint: Int64, end: Int64)
        /// A publication (result, dead letter, tombstone) could not be written.
        case publishFailed
        /// A ledger write failed.
        case ledgerWriteFailed
        /// The account gate opened or closed.
        case accountGate(open: Bool)
        /// A callback hint arrived; `used` when it made a tracked task due.
        case callbackHint(used: Bool)
    }
}

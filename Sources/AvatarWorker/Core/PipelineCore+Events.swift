import AvatarJobs
import CometAPI

extension PipelineCore {
    /// Something that happened, fed to ``PipelineCore/handle(_:at:)`` together with the instant it happened at.
    ///
    /// Every answer to an I/O command carries the command's `id`; an answer whose command the core no longer waits
    /// for (its partition changed hands, the job ended meanwhile) is ignored.
    public enum Event: Sendable {
        /// A job message was consumed and read (decoded and validated by the driver).
        case consumed(ConsumedMessage)
        /// These jobs partitions are assigned to this process (each with the consumer's epoch of the assignment).
        case assigned([AssignedPartition])
        /// These jobs partitions are being revoked. Unless `lost`, the core hands them over first and answers with
        /// ``Command/finishRevocation(_:)`` (the driver holds the rebalance until then); when `lost`, the group gave
        /// them away already and the core lets go at once.
        case revoking([Int32], lost: Bool)
        /// A ``Command/readLedger(id:partition:from:)`` finished.
        case ledgerRead(id: UInt64, LedgerReadResult)
        /// A ``Command/scanLedger(id:partition:from:)`` finished.
        case ledgerScanned(id: UInt64, LedgerScanResult)
        /// A ``Command/commitCheckpoint(id:partition:offset:)`` succeeded or failed.
        case checkpointCommitted(id: UInt64, succeeded: Bool)
        /// A ``Command/writeLedger(id:_:)`` was acknowledged (`succeeded`) or failed for good.
        case ledgerWritten(id: UInt64, succeeded: Bool)
        /// A ``Command/create(id:_:)`` answered.
        case createAnswered(id: UInt64, CreateAnswer)
        /// A ``Command/reconcile(id:externalTaskID:)`` answered.
        case reconciled(id: UInt64, JobLifecycle.Reconciliation)
        /// A ``Command/query(id:taskID:)`` answered.
        case polled(id: UInt64, PollAnswer)
        /// A ``Command/publish(id:_:)`` was acknowledged or failed.
        case published(id: UInt64, succeeded: Bool)
        /// A ``Command/commit(id:offsets:)`` succeeded or failed.
        case committed(id: UInt64, succeeded: Bool)
        /// A ``Command/transaction(id:records:offsets:)`` committed (`succeeded`) or was aborted.
        case transactionEnded(id: UInt64, succeeded: Bool)
        /// A callback said this task changed: poll it now (a hint only; the poll decides).
        case callbackHint(taskID: String)
        /// The jobs topic (and its ledger topic) now has this many partitions: every owned partition's share of the
        /// fleet cap is computed again, and the partitions the growth added take jobs once the growth hold passed.
        case partitionCountChanged(Int)
        /// Nothing happened but time passed: timers that are due fire.
        case tick
        /// Graceful shutdown: take no new jobs, hand every owned partition over, then answer ``Command/drained``.
        case shutdown
    }

    /// A consumed job message as the driver read it.
    public struct ConsumedMessage: Sendable {
        /// The jobs partition.
        public var partition: Int32
        /// The message's offset.
        public var offset: Int64
        /// The consumer's epoch of the assignment the message was delivered under.
        public var kafkaEpoch: UInt64
        /// The `traceparent` header, if any.
        public var traceparent: String?
        /// What the message turned out to be.
        public var intake: Intake
        /// The raw message, for the dead-letter copy of an unreadable one.
        public var raw: RawMessage

        /// A consumed message.
        public init(
            partition: Int32, offset: Int64, kafkaEpoch: UInt64, traceparent: String?, intake: Intake, raw: RawMessage
        ) {
            self.partition = partition
            self.offset = offset
            self.kafkaEpoch = kafkaEpoch
            self.traceparent = traceparent
            self.intake = intake
            self.raw = raw
        }
    }

    /// What a consumed message is.
    public enum Intake: Sendable {
        /// A job ready for submission.
        case valid(ValidatedJob)
        /// A job that breaks the contract: a failed event with the validation codes.
        case invalid(JobValidationFailure)
        /// Not readable as a job at all: dead-lettered, and a failed event when a `job_id` could be recovered.
        case unreadable(code: String, reason: String, jobID: String?)
    }

    /// The bytes a dead letter keeps of the original message.
    public struct RawMessage: Sendable {
        /// The topic it was consumed from.
        public var topic: String
        /// Its key.
        public var key: [UInt8]?
        /// Its value (nil for a tombstone); held only for unreadable messages, and at most `--max-message-bytes` of it.
        public var value: [UInt8]?
        /// The value's length when `value` holds only its first `--max-message-bytes` (a message over the limit):
        /// such a message may be larger than any record the worker can write, so its DLQ copy is cut, not retried
        /// forever.
        public var originalByteCount: Int?

        /// A raw message.
        public init(topic: String, key: [UInt8]?, value: [UInt8]?, originalByteCount: Int? = nil) {
            self.topic = topic
            self.key = key
            self.value = value
            self.originalByteCount = originalByteCount
        }
    }

    /// A partition assignment as the consumer reports it.
    public struct AssignedPartition: Sendable, Hashable {
        /// The jobs partition.
        public var partition: Int32
        /// The consumer's epoch of this assignment (messages carry it).
        public var kafkaEpoch: UInt64

        /// An assigned partition.
        public init(partition: Int32, kafkaEpoch: UInt64) {
            self.partition = partition
            self.kafkaEpoch = kafkaEpoch
        }
    }

    /// What reading a ledger partition gave.
    public enum LedgerReadResult: Sendable {
        /// The partition's live records from where the read started (folded as compaction would), the group's
        /// committed offset of the jobs partition (read after the ledger), and every record's offset folded for
        /// the restore checkpoint (from the offset the read started at to the one after the last it read;
        /// unreadable keyed records count as live there, see ``LedgerMark/unreadable(offset:jobID:)``).
        case read(TaskLedgerIndex<AvatarTaskRecord>, committedOffset: Int64?, ledger: LedgerLiveOffsets)
        /// The read failed; the core reads again after a backoff.
        case failed(reason: String)
    }

    /// What scanning a ledger partition gave.
    public enum LedgerScanResult: Sendable {
        /// Every keyed record from the scan's start, in offset order (unreadable ones as
        /// ``LedgerMark/unreadable(offset:jobID:)``), and the offset after the last one read, as the reader reports it
        /// (below the scan's start when the partition's offsets went back).
        case scanned([LedgerMark], end: Int64)
        /// The scan failed; the next one starts at the same offset.
        case failed(reason: String)
    }

    /// How a create call ended.
    public enum CreateAnswer: Sendable {
        /// The API created the task.
        case created(taskID: String)
        /// The create failed, classified by the API client; `api` is what the API said, for the result event.
        case failed(JobLifecycle.CreateFailure, api: ResultError.APIDetails?)
    }

    /// How a poll of a task ended.
    public struct PollAnswer: Sendable {
        /// What the poll says about the task.
        public var report: JobLifecycle.PollReport
        /// Whether the API reported the task as processing (for the optional progress event).
        public var processing: Bool
        /// What the API said when the poll failed permanently, for the result event.
        public var apiFailure: ResultError.APIDetails?

        /// A poll answer.
        public init(report: JobLifecycle.PollReport, processing: Bool = false, apiFailure: ResultError.APIDetails? = nil) {
            self.report = report
            self.processing = processing
            self.apiFailure = apiFailure
        }
    }
}

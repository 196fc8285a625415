import Kafka

/// A result (and, in exactly-once mode, the tombstone) or a DLQ entry waiting to be written.
struct Publication: Sendable {
    /// The records to write together.
    var messages: [KafkaProducerMessage]
    /// The jobs partition whose offset the publication settles.
    let partition: Int32
    /// The assignment it belongs to.
    let epoch: AssignmentEpoch
    /// The tracked job to tell `.resultPublished`, or nil for an invalid or unreadable message.
    let jobID: String?
    /// For invalid and unreadable messages: the job offset whose fate this publication makes durable.
    let directOffset: Int64?
    /// Exactly-once mode: publish only in a transaction whose committed offset passes this job offset (the
    /// tombstone rides along, so the job must never be delivered again afterwards).
    let coveredOffset: Int64?
    /// The result type, for metrics (`succeeded`, `failed`), or nil for a DLQ entry without a result.
    let resultType: String?
    /// Whether a DLQ record is among the messages (metrics).
    let deadLettered: Bool
}

/// A ledger tombstone held back until the job's offset is committed.
///
/// Writing it earlier opens a double-billing hole: after a crash between the tombstone and the next commit the job
/// would be delivered again with no ledger record and be created a second time.
struct PendingTombstone: Sendable {
    let jobID: String
    let partition: Int32
    let epoch: AssignmentEpoch
    let jobOffset: Int64
}

import AvatarJobs

/// One value of the task ledger (`avatar.tasks`, key `job_id`), as far as restoring needs to know.
///
/// The job contract module owns the record's fields (`AvatarTaskRecord`); they ride along as `Payload`, so the
/// restore logic here works on any payload and the integration only maps the decoded record's state to a case.
public enum TaskLedgerRecord<Payload: Sendable>: Sendable {
    /// Written and acked before the create call: the outcome of the create is not known yet.
    case submitting(Payload)
    /// Written after the create returned a task id: the task exists and is paid for.
    case submitted(Payload)
    /// Written when an owner hands the job over after its result event was acked but before the tombstone could be
    /// written (the tombstone waits for the commit that covers the job): the next owner must not publish again.
    case published(Payload)
    /// The job's result event was acked: the job is done and no longer live.
    case tombstone
}

extension TaskLedgerRecord: Equatable where Payload: Equatable {}

/// The state of a live job in the task ledger.
public enum TaskLedgerState: String, Sendable, Hashable {
    /// A `submitting` record without a later `submitted`: the create call's outcome is unknown.
    case submitting
    /// A `submitted` record: the task exists; resume polling it.
    case submitted
    /// A `published` record: the result is out; only the tombstone is missing.
    case published
}

extension TaskLedgerRecord where Payload == AvatarTaskRecord {
    /// The ledger value of a decoded record (its state picks the case), or of a tombstone (`nil`).
    public init(_ record: AvatarTaskRecord?) {
        guard let record else {
            self = .tombstone
            return
        }
        switch record.state {
        case .submitting: self = .submitting(record)
        case .submitted: self = .submitted(record)
        case .published: self = .published(record)
        }
    }
}

import AvatarJobs
import Foundation

/// I/O the pipeline decided on under its lock and performs after releasing it, each in its own task.
enum PipelineEffect: Sendable {
    /// Write a ledger record and report its ack to the job.
    case writeLedger(jobID: String, epoch: AssignmentEpoch, record: AvatarTaskRecord)
    /// Call create for the job (through the gate, the limiter and the retry policy's timing).
    case create(jobID: String, epoch: AssignmentEpoch, job: ValidatedJob, externalTaskID: String)
    /// Query by `external_task_id` and report `.reconciled`.
    case reconcile(jobID: String, epoch: AssignmentEpoch, externalTaskID: String)
    /// Send `.retryDue` after `delay`.
    case retry(jobID: String, epoch: AssignmentEpoch, delay: Duration)
    /// Send `.accountGateOpened` once the submission gate lets a probe or submissions through again.
    case holdForAccount(jobID: String, epoch: AssignmentEpoch)
    /// Start polling a task.
    case track(taskID: String, partition: Int32, epoch: AssignmentEpoch, mode: PollMode, submittedAt: Date, deadline: Date)
    /// Stop polling a task.
    case untrack(taskID: String)
    /// Tell the result publisher there is something to write.
    case wakePublisher
}

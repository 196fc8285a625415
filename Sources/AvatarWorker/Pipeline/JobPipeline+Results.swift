import AvatarJobs
import Foundation
import Kafka

/// Results: the terminal event of a tracked job, built from its outcome and its ledger record (which carries the
/// trace parent, metadata and notes, so a job restored after a crash produces the same event).
extension JobPipeline {
    /// The publication of a tracked job's terminal outcome (with its tombstone in exactly-once mode).
    func resultPublication(_ outcome: JobLifecycle.Outcome, job: TrackedJob, withTombstone: Bool) -> Publication {
        let record = job.record
        var event: AvatarResultEvent
        switch outcome {
        case .succeeded(let taskID, let success):
            event = AvatarResultEvent(
                type: .succeeded, jobID: record.jobID, attempt: record.attempt, occurredAt: Date(), worker: worker)
            event.taskID = taskID
            event.videos = success.videos
            event.usage = success.usage
            event.completedAt = success.completedAt
        case .failed(let failure, let taskID):
            event = AvatarResultEvent(
                type: .failed, jobID: record.jobID, attempt: record.attempt, occurredAt: Date(), worker: worker)
            event.taskID = taskID
            event.error = ResultError(
                code: failure.code, message: failure.message, retryable: Self.isRetryable(failure.code),
                api: failure.code.hasPrefix("api.") ? job.apiFailure : nil)
        }
        event.externalTaskID = record.externalTaskID
        event.submittedAt = record.submittedAt
        event.metadata = record.metadata
        event.notes = record.notes
        var messages: [KafkaProducerMessage] = []
        do {
            messages.append(try self.messages.result(event, traceparent: record.traceparent))
        } catch {
            logger.error("result event could not be encoded", metadata: ["job_id": "\(record.jobID)", "error": "\(error)"])
        }
        if withTombstone {
            messages.append(self.messages.tombstone(jobID: record.jobID, partition: job.partition))
        }
        return Publication(
            messages: messages, partition: job.partition, epoch: job.epoch, jobID: record.jobID, directOffset: nil,
            coveredOffset: withTombstone ? record.jobOffset : nil, resultType: event.type.rawValue, deadLettered: false)
    }

    /// Queues the progress event `type` once (`--progress-events`); nothing when the option is off.
    func progressPublication(
        _ type: AvatarResultEvent.EventType, job: inout TrackedJob, state: inout PipelineState
    ) -> [PipelineEffect] {
        guard configuration.progressEvents, job.announced.insert(type).inserted else { return [] }
        var event = AvatarResultEvent(
            type: type, jobID: job.jobID, attempt: job.record.attempt, occurredAt: Date(), worker: worker)
        event.taskID = job.lifecycle.taskID
        event.externalTaskID = job.record.externalTaskID
        event.submittedAt = job.record.submittedAt
        event.metadata = job.record.metadata
        guard let message = try? messages.result(event, traceparent: job.record.traceparent) else { return [] }
        state.publications.append(Publication(
            messages: [message], partition: job.partition, epoch: job.epoch, jobID: nil, directOffset: nil,
            coveredOffset: nil, resultType: nil, deadLettered: false))
        return [.wakePublisher]
    }

    /// Whether producing the same job again later might succeed: deadlines, ambiguity and account problems pass;
    /// bad input, a failed render and permanent API refusals do not.
    static func isRetryable(_ code: String) -> Bool {
        [TaskFailure.deadlineExceededCode, TaskFailure.submissionAmbiguousCode, "api.account"].contains(code)
    }
}

import AvatarJobs
import Kafka

/// Reads consumed messages as jobs for the core: decoding and validation (with the media probes) happen here, on
/// the intake's task, so the core only ever sees what a message turned out to be.
struct JobIntake: Sendable {
    let validator: JobValidator
    let maxMessageBytes: Int

    init(configuration: WorkerConfiguration) {
        var limits = ValidationLimits()
        limits.maximumMessageBytes = configuration.maxMessageBytes
        limits.defaultDeadlineSeconds = max(1, Int(configuration.totalDeadline.components.seconds))
        validator = JobValidator(limits: limits)
        maxMessageBytes = configuration.maxMessageBytes
    }

    /// The core's view of `message`.
    func read(_ message: KafkaConsumerMessage) -> PipelineCore.ConsumedMessage {
        let intake = classify(message)
        var raw = PipelineCore.RawMessage(topic: message.topic, key: message.key, value: nil)
        if case .unreadable = intake, let value = message.value {
            // The worker's producer takes records up to the limit plus 1 MiB; a bigger message (brokers allow them)
            // would be refused on every retry and hold the partition's offset back for good. Its first
            // `maxMessageBytes` go to the DLQ, marked as cut.
            if value.count > maxMessageBytes {
                raw.value = Array(value.prefix(maxMessageBytes))
                raw.originalByteCount = value.count
            } else {
                raw.value = value
            }
        }
        return PipelineCore.ConsumedMessage(
            partition: message.partition, offset: message.offset, kafkaEpoch: message.epoch,
            traceparent: message.header("traceparent")?.text, intake: intake, raw: raw)
    }

    /// Reads `message` as a job.
    func classify(_ message: KafkaConsumerMessage) -> PipelineCore.Intake {
        guard let value = message.value else {
            return .unreadable(code: "job.tombstone", reason: "a tombstone (null value) is not a job", jobID: nil)
        }
        if value.count > maxMessageBytes {
            return .unreadable(
                code: JobValidationError.Code.messageTooLarge.rawValue,
                reason: "the message has \(value.count) bytes, more than the limit of \(maxMessageBytes)",
                jobID: JobIDRecovery.recover(from: value))
        }
        switch validator.validate(value) {
        case .success(let job):
            return .valid(job)
        case .failure(let failure):
            let first = failure.errors[0]
            let structural: Set<JobValidationError.Code> = [.notJSON, .notObject, .messageTooLarge]
            if failure.jobID == nil || structural.contains(first.code) {
                return .unreadable(
                    code: first.code.rawValue, reason: first.message,
                    jobID: failure.jobID ?? JobIDRecovery.recover(from: value))
            }
            return .invalid(failure)
        }
    }
}

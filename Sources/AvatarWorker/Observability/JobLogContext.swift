import Kafka
import Logging
import W3CTraceContext

/// The metadata every log line about one job carries, so a line can be found by job, task, position in the jobs
/// topic and trace.
///
/// Keep one per job (from the consumed message) and log with ``metadata``: `job_id`, `partition`, `offset`, `task_id`
/// once the API named the task, and `trace_id` when the job's message had a valid W3C `traceparent` header. The
/// trace id alone is logged, never the whole header, because only the id joins the line to a trace. Nothing from the
/// job's body (media, prompt, callback URL) is ever part of it.
public struct JobLogContext: Sendable, Hashable {
    /// Metadata key of the job id.
    public static let jobIDKey = "job_id"
    /// Metadata key of the API's task id.
    public static let taskIDKey = "task_id"
    /// Metadata key of the jobs partition.
    public static let partitionKey = "partition"
    /// Metadata key of the job message's offset.
    public static let offsetKey = "offset"
    /// Metadata key of the W3C trace id (32 hex digits).
    public static let traceIDKey = "trace_id"
    /// Metadata key of the worker's id (set once on the worker's logger).
    public static let workerIDKey = "worker_id"
    /// Every key a job's lines may carry.
    public static let keys: [String] = [jobIDKey, taskIDKey, partitionKey, offsetKey, traceIDKey]

    /// The job's id.
    public var jobID: String
    /// The jobs partition the job came from.
    public var partition: Int32
    /// The job message's offset in that partition.
    public var offset: Int64
    /// The API's task id, once known.
    public var taskID: String?
    /// The trace id from the message's `traceparent` header, when it had a valid one.
    public var traceID: String?

    /// The context of a job consumed from `partition` at `offset` whose message carried `traceparent` (or none).
    public init(jobID: String, partition: Int32, offset: Int64, traceparent: String?, taskID: String? = nil) {
        self.jobID = jobID
        self.partition = partition
        self.offset = offset
        self.taskID = taskID
        self.traceID = traceparent.flatMap(Self.traceID(fromTraceparent:))
    }

    /// The context of the job in `message` (its `traceparent` header included).
    public init(jobID: String, message: KafkaConsumerMessage) {
        self.init(
            jobID: jobID, partition: message.partition, offset: message.offset,
            traceparent: message.header("traceparent")?.text)
    }

    /// The same context with the task id the API gave.
    public func with(taskID: String) -> JobLogContext {
        var copy = self
        copy.taskID = taskID
        return copy
    }

    /// The same keys as plain strings (how the pipeline core's log commands carry them).
    public var fields: [String: String] {
        var fields = [Self.jobIDKey: jobID, Self.partitionKey: String(partition), Self.offsetKey: String(offset)]
        if let taskID { fields[Self.taskIDKey] = taskID }
        if let traceID { fields[Self.traceIDKey] = traceID }
        return fields
    }

    /// The metadata to log with.
    public var metadata: Logger.Metadata {
        var metadata: Logger.Metadata = [
            Self.jobIDKey: .string(jobID), Self.partitionKey: .stringConvertible(partition),
            Self.offsetKey: .stringConvertible(offset),
        ]
        if let taskID { metadata[Self.taskIDKey] = .string(taskID) }
        if let traceID { metadata[Self.traceIDKey] = .string(traceID) }
        return metadata
    }

    /// The trace id of a W3C `traceparent` value (`00-<trace id>-<parent id>-<flags>`), nil when it is not valid.
    public static func traceID(fromTraceparent value: String) -> String? {
        guard let context = try? TraceContext(traceParentHeaderValue: value) else { return nil }
        return "\(context.traceID)"
    }
}

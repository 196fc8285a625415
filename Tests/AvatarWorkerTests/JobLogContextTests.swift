import Testing

@testable import AvatarWorker

@Suite("Job log metadata")
struct JobLogContextTests {
    @Test("job_id, partition and offset always; task_id once known; trace_id from a valid traceparent")
    func metadata() {
        let context = JobLogContext(
            jobID: "order-1", partition: 2, offset: 41,
            traceparent: "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")
        #expect(context.traceID == "0af7651916cd43dd8448eb211c80319c")
        #expect(Set(context.metadata.keys) == ["job_id", "partition", "offset", "trace_id"])
        let withTask = context.with(taskID: "task-9")
        #expect(withTask.metadata["task_id"] == "task-9")
        #expect(Set(withTask.metadata.keys) == Set(JobLogContext.keys))
        #expect("\(withTask.metadata["offset"]!)" == "41")
    }

    @Test("A missing or malformed traceparent gives no trace id", arguments: [
        nil, "", "garbage", "00-00000000000000000000000000000000-b7ad6b7169203331-01",
        "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01", "ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
    ])
    func invalidTraceparent(_ value: String?) {
        let context = JobLogContext(jobID: "j", partition: 0, offset: 0, traceparent: value)
        #expect(context.traceID == nil)
        #expect(context.metadata["trace_id"] == nil)
    }
}

import Foundation

/// The JSON the simulator sends, written as the real API documents it (kept apart from the client's parser on
/// purpose: the client is tested against an independent statement of the wire format).
enum WireBodies {
    /// The legacy Kling task object: the `data` of a plain query answer and the body of a callback.
    struct TaskObject: Encodable {
        struct TaskInfo: Encodable { var external_task_id: String? }
        struct Video: Encodable { var id: String; var url: String; var duration: String }
        struct TaskResult: Encodable { var videos: [Video]? }
        struct Balance: Encodable { var quota: String; var list_price: String }

        var task_id: String
        var task_status: String
        var task_status_msg: String?
        var task_info: TaskInfo
        var task_result: TaskResult
        var created_at: Int64
        var updated_at: Int64
        var final_unit_deduction: String?
        var final_balance_deduction: Balance?

        init(_ task: SimulatedTask, now: Date, videoBaseURL: String) {
            let status = task.status(at: now)
            task_id = task.taskID
            task_status = status.rawValue
            task_info = TaskInfo(external_task_id: task.externalTaskID)
            created_at = Int64(task.createdAt.timeIntervalSince1970 * 1000)
            updated_at = Int64(task.updatedAt(at: now).timeIntervalSince1970 * 1000)
            task_result = TaskResult(videos: nil)
            switch (status, task.outcome) {
            case (.succeed, .succeed(let seconds)):
                let units = (seconds * (task.mode == "pro" ? 0.8 : 0.4) * 10).rounded() / 10
                task_result.videos = [Video(
                    id: "video-\(task.taskID)", url: "\(videoBaseURL)/_sim/videos/\(task.taskID).mp4",
                    duration: String(format: "%.1f", seconds)
                )]
                final_unit_deduction = String(units)
                final_balance_deduction = Balance(
                    quota: String(format: "%.3f", units * 0.14), list_price: String(format: "%.3f", units * 0.14)
                )
            case (.failed, .failed(let message)):
                task_status_msg = message
            default:
                break
            }
        }
    }

    /// `{code, message, request_id, data}`: Kling's plain envelope.
    struct Plain<Payload: Encodable>: Encodable {
        var code = 0
        var message = "SUCCEED"
        var request_id: String
        var data: Payload
    }

    /// CometAPI's wrapper: outer `code`/`message`, `data.status` in capitals and the raw object under `data.data`.
    struct Wrapped: Encodable {
        struct Inner: Encodable {
            var task_id: String
            var status: String
            var progress: String
            var fail_reason: String?
            var data: TaskObject
        }
        var code = "success"
        var message = ""
        var data: Inner

        init(_ object: TaskObject) {
            let status: String
            let progress: String
            switch object.task_status {
            case "succeed": (status, progress) = ("SUCCESS", "100%")
            case "failed": (status, progress) = ("FAILURE", "100%")
            case "processing": (status, progress) = ("IN_PROGRESS", "50%")
            default: (status, progress) = ("NOT_START", "0%")
            }
            data = Inner(task_id: object.task_id, status: status, progress: progress, fail_reason: object.task_status_msg, data: object)
        }
    }

    /// The create answer's `data`.
    struct Created: Encodable {
        struct TaskInfo: Encodable { var external_task_id: String? }
        var task_id: String
        var task_status = "submitted"
        var task_info: TaskInfo
        var created_at: Int64
        var updated_at: Int64
    }

    /// The TTS answer's `data`.
    struct Speech: Encodable {
        struct Audio: Encodable { var id: String; var url: String; var duration: String }
        struct Result: Encodable { var audios: [Audio] }
        var task_id: String
        var task_status = "succeed"
        var task_result: Result
    }

    /// Kling's error body: `{code, message, request_id}`.
    struct KlingError: Encodable {
        var code: Int
        var message: String
        var request_id: String
    }

    /// CometAPI's nesting of a Kling error: `{message, data: {data: {code, message, request_id}, message}}`.
    struct NestedError: Encodable {
        struct Outer: Encodable { var data: KlingError; var message: String }
        var message: String
        var data: Outer
    }

    /// CometAPI's own envelope: `{"error": {code, message, type}}`.
    struct CometError: Encodable {
        struct Detail: Encodable { var code: String; var message: String; var type = "comet_api_error" }
        var error: Detail
    }

    /// A gateway's HTML error page.
    static func htmlPage(status: Int, title: String) -> String {
        "<!DOCTYPE html><html><head><title>\(status) \(title)</title></head><body><h1>\(status) \(title)</h1>"
            + "<p>The upstream server did not answer correctly.</p></body></html>"
    }

    /// A few bytes that start like an MP4 file (an `ftyp` box), served as the generated video.
    static let videoBytes: [UInt8] = {
        var bytes: [UInt8] = [0, 0, 0, 24] + Array("ftypisom".utf8) + [0, 0, 2, 0] + Array("isomiso2".utf8)
        bytes += [0, 0, 0, 8] + Array("free".utf8)
        return bytes
    }()

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    static func encode(_ value: some Encodable) -> [UInt8] {
        (try? Array(encoder.encode(value))) ?? Array(#"{"code":5000,"message":"simulator could not encode its answer"}"#.utf8)
    }
}

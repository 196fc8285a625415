import Foundation

/// The demo's sample jobs: valid ones with real inline media, and one of each kind of bad input a producer can
/// send (a too-small image, a bad mode, a typo'd field, a message that is not JSON at all).
struct DemoJobs {
    /// One sample: its id, the raw message, and what the demo expects the worker to make of it.
    struct Sample {
        /// The `job_id` (recoverable even from the broken message).
        var jobID: String
        /// The message exactly as produced.
        var bytes: [UInt8]
        /// What should happen, shown before the jobs are produced.
        var expectation: String
    }

    /// The samples, ids `<prefix>-1` … in order.
    let samples: [Sample]

    /// Builds the samples; `prefix` keeps ids unique per run (the API refuses a repeated `external_task_id`).
    init(prefix: String) {
        let portrait = Data(DemoMedia.portrait).base64EncodedString()
        let thumbnail = Data(DemoMedia.png(width: 200, height: 200)).base64EncodedString()
        let speech = Data(DemoMedia.speech).base64EncodedString()
        func job(_ number: Int, _ fields: [String: Any]) -> [UInt8] {
            var object = fields
            object["job_id"] = "\(prefix)-\(number)"
            let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
            return [UInt8](data ?? Data())
        }
        let valid: [String: Any] = ["image": portrait, "sound_file": speech]
        samples = [
            Sample(jobID: "\(prefix)-1", bytes: job(1, valid.merging(["prompt": "Smile and nod."]) { $1 }),
                   expectation: "valid (std, PNG + WAV inline)"),
            Sample(jobID: "\(prefix)-2", bytes: job(2, valid.merging(["mode": "pro", "metadata": ["customer": 42]]) { $1 }),
                   expectation: "valid (pro, metadata echoed)"),
            Sample(jobID: "\(prefix)-3", bytes: job(3, ["image": "data:image/png;base64," + portrait, "sound_file": speech]),
                   expectation: "valid (data: URL prefix stripped, noted in the result)"),
            Sample(jobID: "\(prefix)-4", bytes: job(4, valid.merging(["watermark": true]) { $1 }),
                   expectation: "valid (watermarked copy)"),
            Sample(jobID: "\(prefix)-5", bytes: job(5, ["image": thumbnail, "sound_file": speech]),
                   expectation: "invalid: image.too_small (200x200 px)"),
            Sample(jobID: "\(prefix)-6", bytes: job(6, valid.merging(["mode": "turbo"]) { $1 }),
                   expectation: "invalid: mode.invalid"),
            Sample(jobID: "\(prefix)-7", bytes: job(7, valid.merging(["promt": "typo"]) { $1 }),
                   expectation: "invalid: job.unknown_field ($.promt)"),
            Sample(jobID: "\(prefix)-8", bytes: Array(#"{"job_id": "\#(prefix)-8", "image": "https://cdn.example.com/a.png", "#.utf8),
                   expectation: "not JSON: to the DLQ, failed event by the recovered job_id"),
        ]
    }
}

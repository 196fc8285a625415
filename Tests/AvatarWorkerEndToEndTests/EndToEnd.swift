import Testing

/// The end-to-end suites: the built `avatar-worker run` against Tansu and the CometAPI simulator.
///
/// Serialized: each test runs brokers and worker processes whose group sessions time out after 6 s, and on a
/// two-core machine several of them at once starve each other's heartbeats. One at a time keeps every run honest.
@Suite(.serialized)
enum EndToEnd {}

/// Flags that make a restarted or second worker settle an unknown create outcome by asking the API (the simulator
/// answers queries by `external_task_id` when started with it) instead of failing the job.
let reconcilingWorker = ["--query-by-external-task-id", "true", "--ambiguous-submission", "reconcile-then-fail"]

import ArgumentParser
import AvatarJobs
import Foundation
import Kafka

/// `avatar-worker submit`: produces job messages to the jobs topic, keyed by `job_id`, after checking each with the
/// worker's own validator, so a producer learns about a bad job at once instead of from a `failed` event later; with
/// `--wait`, follows the results until every job it produced has ended — the path from "a portrait and a sound file"
/// to "a video" in one command.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate jobs locally, produce them to the jobs topic and (with --wait) follow them to their result.",
        discussion: """
            A job comes from the options (--image, --audio or --audio-id, --prompt, --mode, --job-id; local files \
            are read, checked with the worker's own probes and sent inline as base64, URLs are passed through) or \
            from files (or stdin) holding one JSON job or JSON lines.

            Output on a terminal: a line per job, and with --wait one live line per job with its phase (queued, \
            submitted, processing, done or failed) and elapsed time; phases between queued and done show when the \
            workers run with --progress-events. Otherwise JSON lines: {"job_id","status":"produced","topic",\
            "partition","offset"}, {"status":"refused","errors":[…]} or {"status":"failed","error"} per job, then \
            with --wait every result event of those jobs as published, and {"status":"downloaded","paths"} or \
            {"status":"download_failed","error"} with --download.

            Exit status: 0 every job produced (and, with --wait, succeeded and downloaded), 1 a job refused, not \
            delivered, failed or not downloaded, 2 a usage error, unreadable input or no connection to Kafka, 130 \
            interrupted: Ctrl-C stops waiting, never the jobs.

            Example:
              avatar-worker submit --brokers kafka:9092 \\
                --image portrait.png --audio speech.wav \\
                --prompt "Smile and nod." --wait --download videos/
            """
    )

    @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

    @OptionGroup(title: "Job") var job: SubmitJobOptions

    @Flag(help: "Follow the results topic until every produced job has its terminal event.")
    var wait = false

    @Option(help: ArgumentHelp("With --wait: save each job's video into this directory as it arrives.", valueName: "dir"))
    var download: String?

    @Option(name: .customLong("download-max-bytes"), help: "Largest video --download accepts.")
    var downloadMaxBytes = 1 << 30

    @Flag(name: .customLong("check-urls"), help: "Also fetch URL media (bounded) and check it with the worker's probes.")
    var checkURLs = false

    @Flag(help: "With --check-urls: allow private, loopback and link-local addresses (closed networks, tests).")
    var allowPrivateAddresses = false

    @Flag(help: "Produce every message as it is, without local validation (the worker still validates).")
    var noValidate = false

    @Option(help: "Longest allowed audio in seconds, as configured on the workers.")
    var maxAudioSeconds: Double = 60

    @Argument(help: "Files holding one JSON job or JSON lines; stdin when none is given and no job option is.")
    var files: [String] = []

    func validate() throws {
        if job.describesJob, !files.isEmpty {
            throw ValidationError("give a job either with --image/--audio/… or in files, not both")
        }
        if download != nil, !wait { throw ValidationError("--download needs --wait (videos are saved as results arrive)") }
        guard downloadMaxBytes > 0 else { throw ValidationError("--download-max-bytes must be positive") }
    }

    func run() async throws {
        let settings = try connection.settings()
        let limits = ValidationLimits.allowingAudio(upTo: maxAudioSeconds)
        let terminal = Terminal.standardOutput()
        let messages: [[UInt8]]
        do {
            messages = job.describesJob
                ? [try job.message(limits: limits)] : try JobInputFiles.messages(files: files, command: "submit")
        } catch let error as SubmitInputError {
            StandardOutput.error("avatar-worker submit: \(error)")
            throw ExitCode(2)
        }
        let reports = try await produce(await check(messages, limits: limits), settings: settings)
        let submitted = reports.allSatisfy(\.isProduced) ? Int32(0) : 1
        guard wait, let follow = reports.follow else {
            show(reports, terminal: terminal)
            if submitted != 0 { throw ExitCode(submitted) }
            return
        }
        let board = WaitBoard(produced: follow.jobs, downloads: download != nil)
        let waiter = ResultWaiter(
            tail: KafkaTopicTail(
                configuration: settings.readerConfiguration(), topic: settings.resultsTopic,
                start: .offsets(follow.resultOffsets), follow: true, followInterval: .milliseconds(200)),
            downloader: download.map {
                VideoDownloader(directory: URL(fileURLWithPath: $0), maximumBytes: downloadMaxBytes)
            },
            terminal: terminal)
        // The reports are printed once Ctrl-C is handled: whoever sees a job produced can interrupt safely.
        let outcome = await InterruptSignal.run { [self] in
            show(reports, terminal: terminal)
            return try await waiter.wait(board)
        }
        let final = try outcome.result.get()
        if outcome.signal != nil {
            let running = final.unfinishedJobIDs
            StandardOutput.error(
                "\ninterrupted: stopped waiting; \(running.count) job(s) keep running on the workers"
                    + (running.isEmpty ? "" : ": follow them with `avatar-worker status \(running.joined(separator: " "))`"))
            throw ExitCode(130)
        }
        let status = max(submitted, final.exitStatus)
        if status != 0 { throw ExitCode(status) }
    }

    /// Each message paired with its local verdict (nil verdict: produce as it is).
    private func check(_ messages: [[UInt8]], limits: ValidationLimits) async -> [(message: [UInt8], refusal: ValidationReport?)] {
        let validator = JobValidator(limits: limits)
        var policy = RemoteFetchPolicy()
        policy.addresses = IPAddressPolicy(allowLoopback: allowPrivateAddresses, allowPrivate: allowPrivateAddresses)
        let remote = RemoteMediaValidator(validator: validator, fetcher: RemoteMediaFetcher(policy: policy))
        var checked: [(message: [UInt8], refusal: ValidationReport?)] = []
        for message in messages {
            guard !noValidate else { checked.append((message, nil)); continue }
            var result = validator.validate(message)
            if checkURLs, case .success(let valid) = result { result = await remote.validate(valid) }
            if case .failure = result {
                checked.append((message, ValidationReport(result: result, message: message)))
            } else {
                checked.append((message, nil))
            }
        }
        return checked
    }

    /// Produces the accepted messages and returns a report per message and what `--wait` follows. The results
    /// topic's ends are taken before the first message is produced, so no result can be missed.
    private func produce(
        _ checked: [(message: [UInt8], refusal: ValidationReport?)], settings: ClientSettings
    ) async throws -> SubmissionReports {
        var reports = SubmissionReports(lines: checked.map { $0.refusal.map(SubmissionReport.refused) })
        let outgoing = checked.enumerated().filter { $0.element.refusal == nil }
            .map { (index: $0.offset, message: Self.jobMessage($0.element.message, topic: settings.jobsTopic)) }
        if !outgoing.isEmpty {
            if wait {
                let tail = KafkaTopicTail(configuration: settings.readerConfiguration(), topic: settings.resultsTopic)
                reports.resultOffsets = try await tail.endOffsets()
            }
            let producer = try KafkaProducer(configuration: settings.producerConfiguration())
            let outcomes = await producer.sendAll(outgoing.map(\.message))
            let acknowledged = ContinuousClock.now
            await producer.close(timeout: .seconds(10))
            for ((index, message), outcome) in zip(outgoing, outcomes) {
                let jobID = message.key.map { String(decoding: $0, as: UTF8.self) }
                switch outcome {
                case .success(let report):
                    reports.lines[index] = .produced(jobID: jobID, report)
                    if let jobID { reports.produced.append((jobID, acknowledged)) }
                case .failure(let error):
                    reports.lines[index] = .failed(jobID: jobID, error)
                }
            }
        }
        return reports
    }

    /// One line per input message: text on a terminal (refusals naming the option they are about), else JSON.
    private func show(_ reports: SubmissionReports, terminal: Terminal?) {
        for line in reports.lines.compactMap({ $0 }) {
            StandardOutput.line(terminal == nil ? line.jsonLine() : line.text(naming: job.describesJob ? job : nil))
        }
    }

    /// A job message as the contract wants it on the jobs topic: raw bytes, keyed by its `job_id` (recovered even
    /// from an invalid message where possible, so a refusal lands on the same partition as the job would).
    static func jobMessage(_ bytes: [UInt8], topic: String, headers: [KafkaHeader] = []) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic, key: JobIDRecovery.recover(from: bytes).map { Array($0.utf8) }, value: bytes, headers: headers)
    }
}

import ArgumentParser
import AvatarJobs
import Foundation
import Kafka

/// `avatar-worker submit`: produces job messages to the jobs topic, keyed by `job_id`, after checking each with the
/// worker's own validator, so a producer learns about a bad job at once instead of from a `failed` event later.
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Validate jobs locally and produce the valid ones to the jobs topic, keyed by job_id.",
        discussion: """
            Input: files (or stdin when none) holding one JSON job or JSON lines. Prints one JSON line per job: \
            {"job_id","status":"produced","topic","partition","offset"}, {"status":"refused","errors":[…]} or \
            {"status":"failed","error"}. Exit status 1 when any job was refused or not delivered, 2 on unreadable input.
            """
    )

    @OptionGroup(title: "Connection") var connection: ClientConnectionOptions

    @Flag(help: "Produce every message as it is, without local validation (the worker still validates).")
    var noValidate = false

    @Option(help: "Longest allowed audio in seconds, as configured on the workers.")
    var maxAudioSeconds: Double = 60

    @Argument(help: "Files holding one JSON job or JSON lines; stdin when none is given.")
    var files: [String] = []

    func run() async throws {
        let validator = JobValidator(limits: .allowingAudio(upTo: maxAudioSeconds))
        var reports: [SubmissionReport?] = []
        var outgoing: [(index: Int, message: KafkaProducerMessage)] = []
        for message in try JobInputFiles.messages(files: files, command: "submit") {
            if !noValidate, case .failure(let failure) = validator.validate(message) {
                reports.append(.refused(ValidationReport(result: .failure(failure), message: message)))
                continue
            }
            outgoing.append((reports.count, Self.jobMessage(message, topic: try connection.settings().jobsTopic)))
            reports.append(nil)
        }
        if !outgoing.isEmpty {
            let producer = try KafkaProducer(configuration: try connection.settings().producerConfiguration())
            let outcomes = await producer.sendAll(outgoing.map(\.message))
            await producer.close(timeout: .seconds(10))
            for ((index, message), outcome) in zip(outgoing, outcomes) {
                let jobID = message.key.map { String(decoding: $0, as: UTF8.self) }
                reports[index] = switch outcome {
                case .success(let report): .produced(jobID: jobID, report)
                case .failure(let error): .failed(jobID: jobID, error)
                }
            }
        }
        let lines = reports.compactMap { $0 }
        for line in lines { StandardOutput.line(line.jsonLine()) }
        if lines.contains(where: { !$0.isProduced }) { throw ExitCode(1) }
    }

    /// A job message as the contract wants it on the jobs topic: raw bytes, keyed by its `job_id` (recovered even
    /// from an invalid message where possible, so a refusal lands on the same partition as the job would).
    static func jobMessage(_ bytes: [UInt8], topic: String, headers: [KafkaHeader] = []) -> KafkaProducerMessage {
        KafkaProducerMessage(
            topic: topic, key: JobIDRecovery.recover(from: bytes).map { Array($0.utf8) }, value: bytes, headers: headers)
    }
}

/// One line of `avatar-worker submit` output.
enum SubmissionReport {
    /// Written to the topic.
    case produced(jobID: String?, KafkaDeliveryReport)
    /// Refused by local validation; not produced.
    case refused(ValidationReport)
    /// Produced but not acknowledged.
    case failed(jobID: String?, KafkaError)

    var isProduced: Bool {
        if case .produced = self { true } else { false }
    }

    /// The line as one JSON object with sorted keys.
    func jsonLine() -> String {
        var object: [String: Any] = [:]
        switch self {
        case .produced(let jobID, let report):
            object = ["job_id": jobID ?? NSNull(), "status": "produced", "topic": report.topic,
                      "partition": Int(report.partition), "offset": Int(report.offset)]
        case .refused(let validation):
            let errors = (try? JSONSerialization.jsonObject(with: Data(validation.jsonLine().utf8))) as? [String: Any]
            object = ["job_id": validation.jobID ?? NSNull(), "status": "refused", "errors": errors?["errors"] ?? []]
        case .failed(let jobID, let error):
            object = ["job_id": jobID ?? NSNull(), "status": "failed", "error": "\(error)"]
        }
        return StandardOutput.jsonLine(object)
    }
}

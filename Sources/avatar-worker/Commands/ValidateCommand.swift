import ArgumentParser
import AvatarJobs
import Foundation

/// `avatar-worker validate [FILE…]`: runs the worker's own validator on jobs before they are produced, printing one
/// JSON line per job and exiting with status 1 when any job is invalid.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate job messages (files or stdin; one JSON job per file or JSON lines) and print one JSON line per job.",
        discussion: "Exit status: 0 when every job is valid, 1 when any is invalid, 2 on unreadable input files."
    )

    @Argument(help: "Files holding one JSON job or JSON lines; stdin when none is given.")
    var files: [String] = []

    @Option(help: "Longest allowed audio in seconds (Kling documents up to 300; CometAPI 60).")
    var maxAudioSeconds: Double = 60

    @Flag(help: "Also fetch URL media (at most the size limit, public addresses only) and check its content.")
    var deep = false

    @Flag(help: "With --deep: allow private, loopback and link-local addresses (closed networks, tests).")
    var allowPrivateAddresses = false

    func run() async throws {
        let validator = JobValidator(limits: .allowingAudio(upTo: maxAudioSeconds))
        var policy = RemoteFetchPolicy()
        policy.addresses = IPAddressPolicy(allowLoopback: allowPrivateAddresses, allowPrivate: allowPrivateAddresses)
        let remote = RemoteMediaValidator(validator: validator, fetcher: RemoteMediaFetcher(policy: policy))
        var allValid = true
        for message in try JobInputFiles.messages(files: files, command: "validate") {
            var result = validator.validate(message)
            if deep, case .success(let job) = result {
                result = await remote.validate(job)
            }
            let line = ValidationReport(result: result, message: message)
            allValid = allValid && line.valid
            print(line.jsonLine())
        }
        if !allValid { throw ExitCode(1) }
    }
}

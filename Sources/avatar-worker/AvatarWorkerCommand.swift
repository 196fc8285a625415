import ArgumentParser
import Foundation
import Kafka

/// `avatar-worker`: turns Kafka job messages into Kling avatar videos through CometAPI.
///
/// Every subcommand lives in `Commands/` in a file named after it.
@main
struct AvatarWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avatar-worker",
        abstract: "Turns Kafka job messages into talking-avatar videos through CometAPI's Kling Avatar API.",
        discussion: """
            Exit status of every command: 0 success, 1 the command ran but something it did failed (a job, a \
            delivery, a download), 2 a usage error (unknown option, bad value, unreadable input or config file) or \
            no connection to Kafka, 130 interrupted (Ctrl-C). Shell completions: \
            avatar-worker --generate-completion-script bash|zsh|fish.
            """,
        subcommands: [
            // worker (run, topics)
            RunCommand.self,
            TopicsCommand.self,
            // — client commands and demo (E2E)
            SubmitCommand.self,
            StatusCommand.self,
            ResultsCommand.self,
            DLQCommand.self,
            DemoCommand.self,

            // job contract (validate)
            ValidateCommand.self,

            // CometAPI (simulate), and a second development broker (librdkafka's mock cluster)
            SimulateCommand.self,
            MockBrokerCommand.self,

            // the pipeline's rules in the deterministic simulation
            ExploreCommand.self,

            // the promises with real processes under a seeded fault schedule
            ChaosCommand.self,

            // hostile input through a running worker
            FuzzCommand.self,

            BenchCommand.self,
        ]
    )

    /// Runs the command the arguments name, with one exit status per kind of failure (see the discussion above):
    /// ArgumentParser's own usage status (64) becomes 2, as for most Unix tools, and a Kafka error that ends a
    /// command is reported in one line as a connection failure (2) instead of a stack of Swift types.
    static func main() async {
        MallocArenas.apply(environment: ProcessInfo.processInfo.environment)
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as KafkaError {
            StandardOutput.error("avatar-worker: Kafka: \(error)")
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            guard code == .validationFailure else { exit(withError: error) }
            StandardOutput.error(fullMessage(for: error))
            Foundation.exit(2)
        }
    }
}

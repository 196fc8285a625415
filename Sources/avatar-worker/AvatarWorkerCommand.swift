import ArgumentParser

/// `avatar-worker`: turns Kafka job messages into Kling avatar videos through CometAPI.
///
/// Every subcommand lives in `Commands/` in a file named after it.
@main
struct AvatarWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "avatar-worker",
        abstract: "Turns Kafka job messages into talking-avatar videos through CometAPI's Kling Avatar API.",
        subcommands: [
            // worker (run, topics, dlq, results, submit, demo)
            RunCommand.self,
            TopicsCommand.self,
            // — client commands and demo (E2E)
            SubmitCommand.self,
            ResultsCommand.self,
            DLQCommand.self,
            DemoCommand.self,

            // job contract (validate)
            ValidateCommand.self,

            // CometAPI (simulate)
            SimulateCommand.self,

            // the pipeline's rules in the deterministic simulation
            ExploreCommand.self,

            BenchCommand.self,
        ]
    )
}

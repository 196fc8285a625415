import ArgumentParser

/// `avatar-worker bench …`: benchmarks that print their figures beside a baseline measured in the same run.
///
/// Speed targets are proven here, never by timed unit tests.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that print their figures beside a baseline measured in the same run.",
        subcommands: [
            // Kafka produce/consume vs rdkafka_performance
            BenchKafkaCommand.self,

            // job validation
            BenchValidationCommand.self,

            // CometAPI client vs wrk
            BenchAPICommand.self,

            // worker end to end vs the bare CometAPI client
            BenchWorkerCommand.self,
        ]
    )
}

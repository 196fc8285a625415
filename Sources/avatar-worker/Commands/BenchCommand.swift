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

            // issue 10: one worker process end to end, against baselines measured in the same run
            BenchThroughputCommand.self,
            BenchCapacityCommand.self,
            BenchLatencyCommand.self,
            BenchRecoveryCommand.self,
        ]
    )
}

extension Array where Element == Double {
    /// The middle value (the mean of the two middle ones for an even count); 0 when empty. Benchmarks report the median
    /// of their rounds, which one disturbed round cannot move.
    var median: Double {
        guard !isEmpty else { return 0 }
        let sorted = sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }
}

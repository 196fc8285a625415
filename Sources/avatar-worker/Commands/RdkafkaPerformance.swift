import Foundation

/// Runs librdkafka's `rdkafka_performance` tool as the benchmark baseline and reads the rate it reports.
struct RdkafkaPerformance {
    /// One measured run: the exact command line and the messages per second it printed.
    struct Run {
        var command: String
        var rate: Double
    }

    let tool: String
    let bootstrapServers: String
    /// librdkafka properties for the producer run, the same ones the Kafka module's producer gets.
    let producerSettings: [(String, String)]
    /// librdkafka properties for the consumer run, the same ones the Kafka module's consumer gets.
    let consumerSettings: [(String, String)]

    /// Produces `count` messages of `size` bytes to `partition` (nil: spread over all partitions by the tool's
    /// partitioner) with `producerSettings` (`-a -1` is `acks=all`).
    func produce(topic: String, partition: Int32? = 0, count: Int, size: Int) throws -> Run {
        try run(
            ["-P", "-t", topic] + (partition.map { ["-p", "\($0)"] } ?? [])
                + ["-b", bootstrapServers, "-s", "\(size)", "-c", "\(count)", "-a", "-1"]
                + Self.properties(producerSettings),
            pattern: #"(\d+) messages produced .* in (\d+)ms"#, count: count)
    }

    /// Consumes `count` messages in the fresh group `group` with `consumerSettings`.
    func consume(topic: String, group: String, count: Int) throws -> Run {
        try run(
            ["-G", group, "-t", topic, "-b", bootstrapServers, "-c", "\(count)"] + Self.properties(consumerSettings),
            pattern: #"(\d+) messages \(\d+ bytes\) consumed in (\d+)ms"#, count: count)
    }

    /// `-X name=value` for each property, so the printed command line shows every setting.
    private static func properties(_ settings: [(String, String)]) -> [String] {
        settings.flatMap { ["-X", "\($0.0)=\($0.1)"] }
    }

    /// Runs the tool and takes the rate from the last summary line (`pattern`: messages, milliseconds) that covers
    /// all `count` messages; the tool prints interim lines with partial counts first.
    private func run(_ arguments: [String], pattern: String, count: Int) throws -> Run {
        let command = ([tool] + arguments).joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        let summaries = text.matches(of: try Regex(pattern)).compactMap { match -> (Int, Double)? in
            guard let messages = match.output[1].substring.flatMap({ Int($0) }),
                let milliseconds = match.output[2].substring.flatMap({ Double($0) })
            else { return nil }
            return (messages, milliseconds)
        }
        guard process.terminationStatus == 0, let (messages, milliseconds) = summaries.last, messages == count,
            milliseconds > 0
        else {
            throw BenchFailure(what: "\(command) exited with \(process.terminationStatus):\n\(text.suffix(2000))")
        }
        return Run(command: command, rate: Double(count) / (milliseconds / 1000))
    }
}

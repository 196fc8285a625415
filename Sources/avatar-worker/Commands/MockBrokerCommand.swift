import ArgumentParser
import Foundation
import KafkaDevelopment

/// `avatar-worker mock-broker`: librdkafka's mock cluster as a process, on 127.0.0.1, until SIGINT or SIGTERM.
///
/// A second development broker beside the embedded Tansu: `chaos --broker mock` runs on it (one process the schedule
/// can SIGSTOP), because Tansu 0.6 keeps a group leader that is no longer a member (docs/RELIABILITY.md).
struct MockBrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mock-broker",
        abstract: "Run librdkafka's mock Kafka cluster on 127.0.0.1 (in memory, for development) until Ctrl-C.",
        discussion: """
            Prints `bootstrap <host:port,…>` once it listens. Topics are created by clients (`avatar-worker topics \
            create`) or with --topic. Nothing is kept after it ends, and it never compacts.
            """)

    @Option(help: "Brokers in the cluster.")
    var brokers: Int32 = 1

    @Option(help: ArgumentHelp("A topic to create at start, as NAME=PARTITIONS (repeatable).", valueName: "name=partitions"))
    var topic: [String] = []

    func validate() throws {
        guard (1...9).contains(brokers) else { throw ValidationError("--brokers must be within 1…9, got \(brokers)") }
        for entry in topic {
            let parts = entry.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let count = Int32(parts[1]), count > 0 else {
                throw ValidationError("--topic must be NAME=PARTITIONS with PARTITIONS > 0, got \(entry)")
            }
        }
    }

    func run() async throws {
        let cluster = try MockKafkaCluster(brokers: brokers)
        for entry in topic {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            try cluster.createTopic(parts[0], partitions: Int32(parts[1]) ?? 1)
        }
        FileHandle.standardOutput.write(Data("bootstrap \(cluster.bootstrapServers)\n".utf8))
        _ = await InterruptSignal.run {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        withExtendedLifetime(cluster) {}
    }
}

import Foundation
import Kafka
import KafkaDevelopment
import Logging

/// Which development broker a chaos run uses.
public enum ChaosBrokerKind: String, Sendable, CaseIterable {
    /// librdkafka's mock cluster in its own process (`avatar-worker mock-broker`): the default, as its group
    /// coordinator replaces a leader that leaves.
    case mock
    /// The embedded Tansu broker, as `scripts/demo` and the tests use; Tansu 0.6 keeps a group leader that is no
    /// longer a member, so a run that scales the group down often ends with partitions nobody is assigned
    /// (docs/RELIABILITY.md).
    case tansu
}

extension ChaosBrokerKind {
    /// Starts a broker of this kind. The mock makes `topics` (of `partitions` partitions each) at its start, as it
    /// cannot create topics later; Tansu ignores them and creates topics when asked. Its log goes to `directory`
    /// (mock) or follows `logger` (Tansu).
    public func start(
        executable: String, topics: [String], partitions: Int, directory: URL, logger: Logger
    ) async throws -> any ChaosBroker {
        switch self {
        case .mock:
            try await MockBrokerProcess.start(executable: executable, topics: topics, partitions: partitions, directory: directory)
        case .tansu:
            try await EmbeddedBroker.start(logger: logger)
        }
    }
}

/// The broker of a chaos run: one process the schedule can stall with SIGSTOP and thaw with SIGCONT.
public protocol ChaosBroker: Sendable {
    /// `host:port` for clients.
    var bootstrapServers: String { get }
    /// Its process id (what SIGSTOP and SIGCONT go to).
    var pid: Int32 { get }
    /// Stalls it (SIGSTOP).
    func pause() throws
    /// Thaws it (SIGCONT).
    func resume() throws
    /// Ends it and waits until it has.
    func shutDown() async
}

extension ChaosBroker {
    /// A producer configuration for it.
    public func producerConfiguration() -> KafkaConfiguration { .producer(bootstrapServers: bootstrapServers) }
}

extension EmbeddedBroker: ChaosBroker {
    public func shutDown() async { await stop() }
}

/// `avatar-worker mock-broker` as a child process.
struct MockBrokerProcess: ChaosBroker {
    let process: ChildProcess
    let bootstrapServers: String

    var pid: Int32 { process.pid }

    /// Starts `executable mock-broker` with `topics` of `partitions` partitions each and waits for its `bootstrap`
    /// line. The topics are made by the mock itself: its admin API answers CreateTopics only after a controller lookup
    /// that never succeeds.
    static func start(executable: String, topics: [String], partitions: Int, directory: URL) async throws -> MockBrokerProcess {
        let (process, servers) = try await ChildProcess.start(
            executable: executable, arguments: ["mock-broker"] + topics.flatMap { ["--topic", "\($0)=\(partitions)"] },
            name: "broker", directory: directory, awaiting: "bootstrap ", what: "its bootstrap line")
        return MockBrokerProcess(process: process, bootstrapServers: servers)
    }

    func pause() throws { try signal(SIGSTOP) }

    func resume() throws { try signal(SIGCONT) }

    func shutDown() async { await process.stop(grace: .seconds(5)) }

    private func signal(_ number: Int32) throws {
        guard process.signal(number) else { throw ChaosRunError.brokerEnded(pid: process.pid) }
    }
}

import Foundation
import Kafka
import Testing
import TestSupport
import WorkerTestSupport

/// What the command-line tests share, started once for the whole ``CommandLineTests`` suite: an end-to-end stack (Tansu,
/// the simulator, topics) with one worker publishing progress events, a second set of topics no worker reads (jobs
/// there stay waiting), and the demo's sample media written by `demo --write-samples`.
struct CommandLineStack: Sendable {
    /// The stack the worker runs on.
    let stack: EndToEndStack
    /// The worker.
    let worker: WorkerProcess
    /// Topics (and a group) no worker serves.
    let idle: Topics
    /// `portrait.png` and `speech.wav`.
    let samples: URL

    /// One set of topics and the group that would read them.
    struct Topics: Sendable {
        let group: String
        let jobs: String
        let tasks: String
        let results: String
        let dlq: String
    }

    /// The stack of the running suite.
    @TaskLocal static var current: CommandLineStack?

    /// The stack of the running suite, or a failure naming the missing trait.
    static func get() throws -> CommandLineStack {
        try #require(current, "the test must run inside the CommandLineTests suite")
    }

    /// The connection options for the served topics.
    var served: [String] {
        [
            "--brokers", stack.broker.bootstrapServers, "--group", stack.group, "--jobs-topic", stack.jobsTopic,
            "--tasks-topic", stack.tasksTopic, "--results-topic", stack.resultsTopic, "--dlq-topic", stack.dlqTopic,
        ]
    }

    /// The connection options for the idle topics.
    var unserved: [String] {
        [
            "--brokers", stack.broker.bootstrapServers, "--group", idle.group, "--jobs-topic", idle.jobs,
            "--tasks-topic", idle.tasks, "--results-topic", idle.results, "--dlq-topic", idle.dlq,
        ]
    }

    /// A sample file's path.
    func sample(_ name: String) -> String { samples.appendingPathComponent(name).path }

    /// A producer for writing records the tests arrange (ledger records, dead letters).
    func producer() throws -> KafkaProducer { try KafkaProducer(configuration: stack.broker.producerConfiguration()) }

    /// Starts the stack around the suite and stops everything it started by pid afterwards.
    struct Scope: SuiteTrait, TestScoping {
        func provideScope(
            for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
        ) async throws {
            try await EndToEndStack.with(partitions: 2) { stack in
                let prefix = UniqueName.make("idle")
                let idle = Topics(group: "\(prefix)-workers", jobs: "\(prefix).jobs", tasks: "\(prefix).tasks",
                                  results: "\(prefix).results", dlq: "\(prefix).jobs.dlq")
                try await WorkerProcess.runCommand([
                    "topics", "create", "--brokers", stack.broker.bootstrapServers, "--partitions", "2",
                    "--jobs-topic", idle.jobs, "--tasks-topic", idle.tasks, "--results-topic", idle.results,
                    "--dlq-topic", idle.dlq,
                ])
                let samples = FileManager.default.temporaryDirectory.appendingPathComponent(UniqueName.make("samples"))
                try await WorkerProcess.runCommand(["demo", "--write-samples", samples.path])
                let worker = try await stack.startWorker(["--progress-events"])
                let shared = CommandLineStack(stack: stack, worker: worker, idle: idle, samples: samples)
                do {
                    try await CommandLineStack.$current.withValue(shared) { try await function() }
                } catch {
                    _ = await worker.terminate(within: .seconds(20))
                    throw error
                }
                _ = await worker.terminate(within: .seconds(20))
            }
        }
    }
}

/// The command-line suites, one stack for all (see ``CommandLineStack``). Serialized: the tests share one worker and
/// a two-core machine, and the pseudo-terminal test reads timing-free but load-sensitive output.
@Suite(.serialized, CommandLineStack.Scope())
enum CommandLineTests {}

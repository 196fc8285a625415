import Foundation
import Testing
import TestSupport
import WorkerTestSupport

extension CommandLineTests {
    /// What every client command shares: its connection from flags, `AVATAR_WORKER_…` or `--config-file` alike,
    /// `--help` with an example, and shell completion scripts.
    @Suite("connection options and help")
    struct ConnectionAndHelp {
        @Test("the connection comes from --config-file or AVATAR_WORKER_* as from flags; an unknown variable is a usage error")
        func layers() async throws {
            let shared = try CommandLineStack.get()
            let idle = shared.idle
            let missing = UniqueName.make("nowhere")
            let config = FileManager.default.temporaryDirectory.appendingPathComponent(UniqueName.make("config") + ".json")
            try """
                {"brokers": "\(shared.stack.broker.bootstrapServers)", "group": "\(idle.group)", "jobs-topic": "\(idle.jobs)",
                 "tasks-topic": "\(idle.tasks)", "results-topic": "\(idle.results)", "dlq-topic": "\(idle.dlq)",
                 "api-key-file": "/run/secrets/only-on-the-workers", "kafka": {"client.id": "cli-config-test"}}
                """.write(to: config, atomically: true, encoding: .utf8)
            let fromFile = try await CommandRun.run(["status", "--config-file", config.path, missing])
            #expect(fromFile.status == 1, "\(fromFile.transcript)")
            #expect((fromFile.objects().first?["scanned"] as? [[String: Any]])?.compactMap { $0["topic"] as? String }
                == [idle.results, idle.tasks, idle.jobs])

            let environment = [
                "AVATAR_WORKER_BROKERS": shared.stack.broker.bootstrapServers, "AVATAR_WORKER_RESULTS_TOPIC": idle.results,
                "AVATAR_WORKER_TASKS_TOPIC": idle.tasks, "AVATAR_WORKER_JOBS_TOPIC": idle.jobs,
                "AVATAR_WORKER_KAFKA_CLIENT_ID": "cli-env-test",
            ]
            let fromEnvironment = try await CommandRun.run(["status", missing], environment: environment)
            #expect(fromEnvironment.status == 1, "\(fromEnvironment.transcript)")
            #expect((fromEnvironment.objects().first?["scanned"] as? [[String: Any]])?.first?["topic"] as? String == idle.results)

            let typo = try await CommandRun.run(["results", "--from-beginning"], environment: ["AVATAR_WORKER_BROKER": "x:1"])
            #expect(typo.exit == .exited(2))
            #expect(typo.stderr.contains("unknown option \"BROKER\" (from environment variable AVATAR_WORKER_BROKER)"), "\(typo.transcript)")

            let unreachable = try await CommandRun.run(
                ["status", "--brokers", "127.0.0.1:1", "--kafka", "socket.connection.setup.timeout.ms=1000", missing], timeout: .seconds(60))
            #expect(unreachable.exit == .exited(2), "\(unreachable.transcript)")
            #expect(unreachable.stderr.contains("avatar-worker: Kafka: read partition count of"), "\(unreachable.transcript)")
        }

        @Test("every client command takes the shared connection options and has help with an example; completion scripts generate")
        func helpAndCompletions() async throws {
            for command in [["submit"], ["status"], ["results"], ["dlq", "list"], ["dlq", "replay"], ["topics", "create"]] {
                let help = try await CommandRun.run(command + ["--help"])
                #expect(help.status == 0, "\(help.transcript)")
                for expected in ["Example", "--brokers", "--kafka", "--config-file", "AVATAR_WORKER_BROKERS"] {
                    #expect(help.stdout.contains(expected), "`\(command.joined(separator: " ")) --help` lacks \(expected)")
                }
            }
            for shell in ["bash", "zsh", "fish"] {
                let script = try await CommandRun.run(["--generate-completion-script", shell])
                #expect(script.status == 0, "\(script.transcript)")
                for word in ["submit", "status", "replay", "job-id", "config-file"] { #expect(script.stdout.contains(word), "\(shell) lacks \(word)") }
            }
        }
    }
}

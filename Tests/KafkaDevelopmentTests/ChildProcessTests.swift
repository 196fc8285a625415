import Foundation
import KafkaDevelopment
import Testing

/// Helper processes for tests and the demo: started, read, and ended by pid with the right exit reported.
@Suite("Child processes")
struct ChildProcessTests {
    private func start(_ script: String) async throws -> ChildProcess {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("child-\(UUID().uuidString)").path
        return try await ChildProcess.start(
            executable: "/bin/sh", arguments: ["-c", script], environment: ["GREETING": "hello"],
            outputPath: base + ".out", errorPath: base + ".err")
    }

    @Test("the environment is passed, a stdout line is awaited, SIGKILL ends it as signal 9")
    func readyLineThenKill() async throws {
        let child = try await start("echo \"$GREETING ready\"; echo oops >&2; exec sleep 30")
        let line = try await child.waitForOutputLine(within: .seconds(10), what: "ready") { $0.hasSuffix("ready") }
        #expect(line == "hello ready")
        #expect(child.exit == nil)
        #expect(child.signal(SIGKILL))
        #expect(await child.waitForExit(timeout: .seconds(10)) == .signalled(SIGKILL))
        #expect(!child.signal(SIGTERM), "an ended child must not be signalled again")
        #expect(child.errorTail() == "oops")
    }

    @Test("stop sends SIGTERM first: a child that handles it exits with its own code")
    func gracefulStop() async throws {
        let child = try await start("trap 'exit 7' TERM; echo up; while true; do sleep 0.1; done")
        _ = try await child.waitForOutputLine(within: .seconds(10), what: "up") { $0 == "up" }
        #expect(await child.stop(grace: .seconds(10)) == .exited(7))
    }

    @Test("stop falls back to SIGKILL after the grace period")
    func stubbornChild() async throws {
        let child = try await start("trap '' TERM; echo up; while true; do sleep 0.1; done")
        _ = try await child.waitForOutputLine(within: .seconds(10), what: "up") { $0 == "up" }
        #expect(await child.stop(grace: .milliseconds(300)) == .signalled(SIGKILL))
    }

    @Test("a child that ends before its line is reported with its exit and stderr")
    func endsEarly() async throws {
        let child = try await start("echo 'no config' >&2; exit 3")
        let failure = await #expect(throws: ChildProcess.Failure.self) {
            _ = try await child.waitForOutputLine(within: .seconds(10), what: "its ready line") { _ in false }
        }
        #expect(failure?.exit == .exited(3))
        #expect(failure?.errorTail == "no config")
    }
}

@testable import AvatarWorker
import Logging
import ServiceLifecycle
import Synchronization
import Testing
import TestSupport

/// The pipeline service's work ends on the same hand-over that lets the intake service (stopped first) return; the
/// group must not take that for a crash. Regression test for the chaos harness's finding: a clean SIGTERM ended with
/// exit status 1 (`ServiceGroupError.serviceFinishedUnexpectedly`) when the run loop won the race.
@Suite("Shutdown turn")
struct ShutdownTurnTests {
    /// Set once, read from the test.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Work that ends by itself (like the pipeline's run loop after `drained`), run through the helper.
    struct EndsEarly: Service {
        let workDone = Flag()

        func run() async throws {
            await runUntilShutdownTurn { workDone.set() }
        }
    }

    /// Runs until the group asks it to stop (like the intake service and the admin server).
    struct RunsUntilAsked: Service {
        func run() async throws {
            try? await gracefulShutdown()
        }
    }

    @Test("a service whose work ended waits for its turn: the group shuts down cleanly")
    func waitsForItsTurn() async throws {
        let early = EndsEarly()
        // Stopped in reverse order: RunsUntilAsked first, then EndsEarly, as IntakeService goes before PipelineService.
        let group = ServiceGroup(configuration: .init(
            services: [early, RunsUntilAsked()], logger: Logger(label: "shutdown-turn-test")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            // The limit only bounds a hang: the whole parallel suite shares two cores, so it is generous.
            try await waitUntil("the early service's work to end", within: .seconds(120)) { early.workDone.isSet }
            await group.triggerGracefulShutdown()
            // Without the wait, the early service returned while the group was running (or stopping the other one):
            // run() threw serviceFinishedUnexpectedly.
            try await tasks.next()
        }
    }
}

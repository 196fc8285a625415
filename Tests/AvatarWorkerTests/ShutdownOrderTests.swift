@testable import AvatarWorker
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// The worker's two services in the order the group shuts them down: the intake (last in the list, so first to be
/// asked) hands the partitions over and waits for the pipeline to drain; the pipeline's loop ends as soon as it has.
/// `avatar-worker fuzz` saw SIGTERM end with "PipelineService finished unexpectedly" (exit 1) when the pipeline
/// returned in that gap. ``waitForShutdownTurn()`` closes it; the gap is made certain here by having the intake
/// return only after the pipeline's work has ended.
@Suite struct ShutdownOrderTests {
    /// Ends its work when `drained` is signalled, then (with `waits`) waits for its shutdown turn.
    struct Pipeline: Service {
        let drained: AsyncStream<Void>
        let workEnded: AsyncStream<Void>.Continuation
        let waits: Bool

        func run() async throws {
            for await _ in drained { break }
            workEnded.yield()
            if waits { await waitForShutdownTurn() }
        }
    }

    /// On graceful shutdown: drains the pipeline, then returns only once the pipeline's work has ended.
    struct Intake: Service {
        let drain: AsyncStream<Void>.Continuation
        let workEnded: AsyncStream<Void>

        func run() async throws {
            try? await gracefulShutdown()
            drain.yield()
            for await _ in workEnded { break }
        }
    }

    private func runGroup(pipelineWaits: Bool) async throws {
        let (drained, drain) = AsyncStream.makeStream(of: Void.self)
        let (workEnded, ended) = AsyncStream.makeStream(of: Void.self)
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [Pipeline(drained: drained, workEnded: ended, waits: pipelineWaits), Intake(drain: drain, workEnded: workEnded)],
            logger: Logger(label: "shutdown-order")))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    @Test("a pipeline that waits for its turn lets the group end cleanly")
    func waitsForTurn() async throws {
        try await runGroup(pipelineWaits: true)
    }

    @Test("without waiting, the same order ends the group with 'finished unexpectedly' (the bug the wait fixes)")
    func returningEarlyFails() async {
        await #expect(throws: ServiceGroupError.self) { try await runGroup(pipelineWaits: false) }
    }
}

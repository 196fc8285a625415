import ServiceLifecycle

/// The poll loop: polls every task the scheduler yields, each in its own child task (the scheduler bounds how many
/// run at once and how fast), until graceful shutdown. Tasks stay in the ledger, so the next owner polls them on.
struct PollService: Service {
    let pipeline: JobPipeline
    let scheduler: PollScheduler<ContinuousClock>

    func run() async throws {
        await withDiscardingTaskGroup { group in
            for await event in scheduler.events.cancelOnGracefulShutdown() {
                switch event {
                case .poll(let due):
                    group.addTask { await pipeline.poll(due) }
                case .deadlineExceeded(let due):
                    pipeline.deadlineExceeded(due)
                }
            }
        }
        await scheduler.shutdown()
    }
}

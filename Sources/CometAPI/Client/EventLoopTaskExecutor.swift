import NIOCore

/// Runs tasks on one NIO event loop: a task that prefers it (`Task(executorPreference:)`,
/// `group.addTask(executorPreference:)`) awaits AsyncHTTPClient futures without leaving the loop's thread, so a
/// request costs no cross-thread wake-up on the way out or back.
///
/// Hand-written because NIO offers no `TaskExecutor` for its event loops in the version used here; it is the whole
/// of what one needs (enqueue runs the job on the loop). `bench api` compares it with the cooperative pool, and the
/// worker's driver runs its I/O on these executors (`bench capacity` figures in benchmarks/RESULTS.md).
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// The loop jobs run on.
    public let eventLoop: any EventLoop

    /// An executor for `eventLoop`.
    public init(eventLoop: any EventLoop) { self.eventLoop = eventLoop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        eventLoop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }

    /// One executor per loop of `group`.
    public static func all(of group: any EventLoopGroup) -> [EventLoopTaskExecutor] {
        group.makeIterator().map { EventLoopTaskExecutor(eventLoop: $0) }
    }
}

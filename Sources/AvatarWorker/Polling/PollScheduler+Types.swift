extension PollScheduler {
    /// A task the scheduler hands out: poll it (or report its deadline), then give it back with `reschedule`.
    public struct DueTask: Sendable, Hashable {
        /// The API's task id.
        public let taskID: String
        /// The jobs partition the task belongs to.
        public let partition: Int32
        /// The assignment the task was tracked under; compare before acting on the poll's result.
        public let epoch: AssignmentEpoch
        /// The task's mode (decides the first-poll delay).
        public let mode: PollMode
        /// When the task was submitted.
        public let submittedAt: C.Instant
        /// When the task's total deadline passes.
        public let deadline: C.Instant
        /// 1 for the task's first poll, counting up; 0 for a deadline report.
        public let pollNumber: Int
        /// Identifies this hand-out; `reschedule` with a lease already given back is ignored.
        let lease: UInt64
    }

    /// What `next()` yields.
    public enum Event: Sendable, Hashable {
        /// Poll this task now, then call `reschedule(_:after:)` with what came of it (always, also on error).
        case poll(DueTask)
        /// The task's total deadline passed: it is no longer tracked and must fail with `deadline.exceeded`.
        /// No reschedule is needed.
        case deadlineExceeded(DueTask)
    }

    /// The scheduler's events as an async sequence; it ends when the scheduler shuts down or the iterating task is
    /// cancelled. Several iterators may run at once (one per poll worker).
    public struct Events: AsyncSequence, Sendable {
        public typealias Element = Event

        let scheduler: PollScheduler

        /// Iterates by calling the scheduler's `next()`.
        public struct AsyncIterator: AsyncIteratorProtocol {
            let scheduler: PollScheduler

            /// The next event, or nil when the scheduler shut down or the task was cancelled.
            public mutating func next() async -> Event? {
                await scheduler.next()
            }
        }

        /// An iterator over the scheduler's events.
        public func makeAsyncIterator() -> AsyncIterator {
            AsyncIterator(scheduler: scheduler)
        }
    }
}

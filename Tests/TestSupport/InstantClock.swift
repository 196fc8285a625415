import Synchronization

/// A clock whose `sleep` returns at once and moves its time forward, recording every requested wait.
///
/// For code that sleeps between steps (retries, backoff): tests run instantly and assert the waits chosen.
public final class InstantClock: Clock, Sendable {
    /// A point on this clock: the time slept since it was made.
    public struct Instant: InstantProtocol {
        /// Time since the clock's start.
        public var offset: Duration
        /// The instant `offset` after the clock's start.
        public init(offset: Duration) { self.offset = offset }
        /// Moves the instant by `duration`.
        public func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        /// The span from this instant to `other`.
        public func duration(to other: Instant) -> Duration { other.offset - offset }
        /// Orders instants by offset.
        public static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleeps: [Duration] = []
    }

    private let state = Mutex(State())

    /// A clock at offset zero.
    public init() {}

    /// The clock's time now.
    public var now: Instant { state.withLock { $0.now } }
    /// The smallest sleep step (none).
    public var minimumResolution: Duration { .zero }
    /// Every wait requested, in order.
    public var sleeps: [Duration] { state.withLock { $0.sleeps } }

    /// Moves time forward by `duration` without a sleep being recorded.
    public func advance(by duration: Duration) {
        state.withLock { $0.now = $0.now.advanced(by: duration) }
    }

    /// Records the wait, advances time to `deadline` and returns without waiting.
    public func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        state.withLock { state in
            state.sleeps.append(state.now.duration(to: deadline))
            if state.now < deadline { state.now = deadline }
        }
    }
}

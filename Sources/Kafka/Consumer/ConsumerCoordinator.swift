import CRdKafka
import Dispatch
import Logging
import Synchronization

/// The shared core of a ``KafkaConsumer``: hands batches from the poll thread to the one waiting iterator, keeps the
/// partition flow state (epochs, pauses), and runs the rebalance callback.
///
/// Every librdkafka pause/resume call is made while holding `state`, so the calls reach librdkafka in the same order as
/// the state changes that produced them, whichever thread (poll thread, application task) made them.
final class ConsumerCoordinator: Sendable {
    struct State {
        var flow = PartitionFlowState()
        var waiter: CheckedContinuation<[KafkaConsumerMessage], any Error>?
        /// The next batch, fetched ahead while the iterator works on the current one (at most one batch, plus what
        /// reached the queue just before a back-pressure pause).
        var held: [KafkaConsumerMessage] = []
        /// When the iterator last asked for a batch or, while it waited, was last handed one.
        var lastDemand: ContinuousClock.Instant
        var terminalError: KafkaError?
        var isClosed = false
        var handler: KafkaRebalanceHandler?
        /// The topics of the last subscribe (what ``KafkaConsumer/rejoin()`` subscribes to again).
        var subscription: [String] = []
    }

    /// What the poll thread should do next.
    enum Step {
        /// An iterator waits, or the next batch is not fetched ahead yet: fetch a batch.
        case fetch
        /// The next batch is ready and the iterator is busy: sleep up to this long (or until it asks).
        case wait(Duration)
        /// Nobody has waited for a while: everything is paused, keep polling to stay in the group.
        case pollPaused
    }

    let state: Mutex<State>
    let wakeup = DispatchSemaphore(value: 0)
    let batchSize: Int
    let backpressureDelay: Duration
    let logger: Logger

    init(batchSize: Int, backpressureDelay: Duration, logger: Logger) {
        self.state = Mutex(State(lastDemand: .now))
        self.batchSize = batchSize
        self.backpressureDelay = backpressureDelay
        self.logger = logger
    }

    // MARK: Application side

    /// The next batch for the iterator: held records at once, otherwise waits for the poll thread; empty once closed.
    func nextBatch() async throws -> [KafkaConsumerMessage] {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[KafkaConsumerMessage], any Error>) in
                let immediate: Result<[KafkaConsumerMessage], any Error>? = state.withLock { state in
                    state.lastDemand = .now
                    if let error = state.terminalError { return .failure(error) }
                    if !state.held.isEmpty {
                        defer { state.held = [] }
                        return .success(state.held)
                    }
                    if state.isClosed { return .success([]) }
                    if state.waiter != nil {
                        return .failure(KafkaError(
                            code: .invalidState, reason: "another task is already iterating the messages",
                            operation: "next message", isRetriable: false))
                    }
                    state.waiter = continuation
                    return nil
                }
                if let immediate { continuation.resume(with: immediate) }
                wakeup.signal()  // fetch the next batch ahead, or serve this waiter
            }
        } onCancel: {
            let waiter = state.withLock { state in
                defer { state.waiter = nil }
                return state.waiter
            }
            waiter?.resume(throwing: CancellationError())
        }
    }

    /// Performs a flow-state change and its librdkafka call atomically.
    func changeFlow(
        _ handle: OpaquePointer, operation: String, _ change: (inout PartitionFlowState) -> PartitionFlowState.Action?
    ) throws(KafkaError) {
        let result: Result<Void, KafkaError> = state.withLock { state in
            guard let action = change(&state.flow) else { return .success(()) }
            return Self.perform(action, on: handle, operation: operation)
        }
        try result.get()
    }

    /// Ends the sequence (close): a waiting iterator gets the end, held records are dropped (never stored, so the
    /// group redelivers them), and the handler is released.
    func finish() {
        let waiter = state.withLock { state in
            state.isClosed = true
            state.held = []
            state.handler = nil
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: [])
        wakeup.signal()
    }

    // MARK: Poll-thread side

    /// Decides the poll thread's next step, applying back-pressure pauses and resumes on the way.
    ///
    /// The poll thread fetches while an iterator waits, and fetches one batch ahead while the iterator is busy, so
    /// conversion overlaps with the application's work. Once the iterator has not asked for `backpressureDelay`, every
    /// partition is paused and the thread only polls (heartbeats, rebalances, `max.poll.interval.ms`).
    func nextStep(_ handle: OpaquePointer) -> Step {
        let now = ContinuousClock.now
        let (step, handOver, waiter): (Step, [KafkaConsumerMessage], CheckedContinuation<[KafkaConsumerMessage], any Error>?) =
            state.withLock { state in
                if let waiter = state.waiter {
                    if let action = state.flow.endBackpressure() {
                        _ = Self.perform(action, on: handle, operation: "resume after back-pressure", logger: logger)
                    }
                    if !state.held.isEmpty {
                        defer { state.held = []; state.waiter = nil }
                        state.lastDemand = now
                        return (.fetch, state.held, waiter)
                    }
                    return (.fetch, [], nil)
                }
                if state.flow.isBackpressureActive { return (.pollPaused, [], nil) }
                let idle = now - state.lastDemand
                if idle >= backpressureDelay {
                    if let action = state.flow.beginBackpressure() {
                        logger.debug("no iterator waiting; pausing partitions", metadata: ["after": "\(idle)"])
                        _ = Self.perform(action, on: handle, operation: "pause for back-pressure", logger: logger)
                    }
                    return (.pollPaused, [], nil)
                }
                if state.held.isEmpty { return (.fetch, [], nil) }
                return (.wait(min(backpressureDelay - idle, .milliseconds(100))), [], nil)
            }
        if let waiter {
            waiter.resume(returning: handOver)
            return .fetch
        }
        return step
    }

    /// Hands a fetched batch to the waiting iterator, or holds it when the iterator went away meanwhile.
    func offer(_ batch: [KafkaConsumerMessage]) {
        guard !batch.isEmpty else { return }
        let waiter = state.withLock { state -> CheckedContinuation<[KafkaConsumerMessage], any Error>? in
            guard let waiter = state.waiter else {
                // Usually nothing is held yet: take the batch over instead of copying its records.
                if state.held.isEmpty { state.held = batch } else { state.held.append(contentsOf: batch) }
                return nil
            }
            state.waiter = nil
            // The iterator has been asking all along: demand is now, not when it started waiting. Otherwise the
            // first batch after a long wait (a group join, an idle topic) would look like an absent application and
            // pause every partition, which drops librdkafka's prefetched messages and stalls the fetcher.
            state.lastDemand = .now
            return waiter
        }
        waiter?.resume(returning: batch)
    }

    /// Ends the sequence with a fatal error.
    func fail(_ error: KafkaError) {
        let waiter = state.withLock { state in
            state.terminalError = error
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    /// The current epochs of `partitions` (for tagging a fetched batch).
    func epochs() -> [KafkaTopicPartition: UInt64] { state.withLock { $0.flow.epochs } }

    static func perform(
        _ action: PartitionFlowState.Action, on handle: OpaquePointer, operation: String
    ) -> Result<Void, KafkaError> {
        let (partitions, call): ([KafkaTopicPartition], (OpaquePointer, UnsafeMutablePointer<rd_kafka_topic_partition_list_t>) -> rd_kafka_resp_err_t) =
            switch action {
            case .pause(let partitions): (partitions, { rd_kafka_pause_partitions($0, $1) })
            case .resume(let partitions): (partitions, { rd_kafka_resume_partitions($0, $1) })
            }
        let list = TopicPartitionList.make(partitions)
        defer { rd_kafka_topic_partition_list_destroy(list) }
        let code = call(handle, list)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            return .failure(KafkaError(code: KafkaErrorCode(code), operation: "\(operation) \(partitions)"))
        }
        if let failed = TopicPartitionList.entries(list).first(where: { $0.error != .noError }) {
            return .failure(KafkaError(code: failed.error, operation: "\(operation) \(failed.partition)"))
        }
        return .success(())
    }

    @discardableResult
    static func perform(
        _ action: PartitionFlowState.Action, on handle: OpaquePointer, operation: String, logger: Logger
    ) -> Bool {
        if case .failure(let error) = perform(action, on: handle, operation: operation) {
            logger.warning("pause/resume failed", metadata: ["error": "\(error)"])
            return false
        }
        return true
    }
}

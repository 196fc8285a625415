import Foundation
import Synchronization

/// SIGINT and SIGTERM as cancellation of one piece of work: while ``run(_:)`` runs `body`, a signal cancels `body`
/// instead of killing the process, so the command can end with its own message and exit status rather than a
/// default signal death or a stack trace. The handlers are in place before `body` starts, so anything `body`
/// prints is already covered.
enum InterruptSignal {
    /// How the work ended: its result (a cancelled body returns what it has, or throws), and the signal that
    /// cancelled it, if one did.
    struct Outcome<Value: Sendable>: Sendable {
        /// What `body` returned or threw.
        var result: Result<Value, any Error>
        /// SIGINT or SIGTERM when one arrived before `body` ended.
        var signal: Int32?
    }

    /// Runs `body`, cancelling it on SIGINT or SIGTERM.
    static func run<Value: Sendable>(_ body: @escaping @Sendable () async throws -> Value) async -> Outcome<Value> {
        let record = SignalRecord()
        let queue = DispatchQueue(label: "avatar-worker.signals")
        let sources = [SIGINT, SIGTERM].map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            source.setEventHandler { record.note(number) }
            source.resume()
            return source
        }
        let work = Task { try await body() }
        record.watch(work)
        let result = await work.result
        sources.forEach { $0.cancel() }
        for number in [SIGINT, SIGTERM] { signal(number, SIG_DFL) }
        return Outcome(result: result, signal: record.first)
    }
}

/// The first signal received and the work it cancels, shared between the signal queue and the waiting caller.
private final class SignalRecord: Sendable {
    private struct State {
        var signal: Int32?
        var cancel: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    /// A signal arrived: remember the first, cancel the work (now, or as soon as it is watched).
    func note(_ number: Int32) {
        let cancel = state.withLock { state in
            if state.signal == nil { state.signal = number }
            return state.cancel
        }
        cancel?()
    }

    /// The work to cancel; cancelled at once when a signal came first.
    func watch<Value>(_ work: Task<Value, any Error>) {
        let early = state.withLock { state in
            state.cancel = { work.cancel() }
            return state.signal != nil
        }
        if early { work.cancel() }
    }

    /// The first signal, if any.
    var first: Int32? { state.withLock { $0.signal } }
}

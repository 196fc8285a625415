import KafkaDevelopment
import Synchronization

/// Watches a run while it goes on: how many messages have settled, whether the worker is still alive, and whether
/// anything has settled within the stall limit. A breach ends the run early with its reason in ``violations``.
struct ProgressWatch {
    let options: HostileInputRun.Options
    let worker: ChildProcess
    let board: OutcomeBoard
    let progress: @Sendable (String) -> Void
    let sampler: MemorySampler
    var violations: [String] = []
    private var settled = 0
    private var lastChange = ContinuousClock.now
    private var lastReport = ContinuousClock.now
    private var warmUp: Int { min(2000, options.messages / 10) }

    init(
        options: HostileInputRun.Options, worker: ChildProcess, board: OutcomeBoard, sampler: MemorySampler,
        progress: @escaping @Sendable (String) -> Void
    ) {
        self.options = options
        self.sampler = sampler
        self.worker = worker
        self.board = board
        self.progress = progress
    }

    /// Waits until fewer than ``HostileInputRun/Options/window`` of the `produced` messages are unsettled; false
    /// when the run must stop.
    mutating func waitForRoom(produced: Int) async -> Bool {
        while produced - settled >= options.window {
            guard await check(produced: produced) else { return false }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return violations.isEmpty
    }

    /// Waits until every produced message has settled, or the worker dies or stalls. The first sample after
    /// warm-up (a tenth of the messages, at most 2,000) becomes the memory baseline.
    mutating func waitUntilSettled() async {
        let produced = await board.produced.count
        while settled < produced, await check(produced: produced) {
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// Refreshes the count; records a crash or a stall. False when the run must stop.
    private mutating func check(produced: Int) async -> Bool {
        let now = ContinuousClock.now
        let count = await board.settledCount
        if count != settled {
            if settled < warmUp, count >= warmUp { sampler.endWarmUp() }
            settled = count
            lastChange = now
        }
        if now - lastReport >= .seconds(5) {
            lastReport = now
            progress("\(settled) of \(produced) produced messages settled")
        }
        if let exit = worker.exit {
            violations.append("the worker crashed (\(exit)) after \(settled) messages; its log ends with:\n\(worker.errorTail())")
            return false
        }
        if settled < produced, now - lastChange > options.stallLimit {
            violations.append("the worker stalled: nothing settled for \(options.stallLimit) with \(produced - settled) messages outstanding")
            return false
        }
        return true
    }
}

/// Samples the worker's resident memory once a second until stopped.
final class MemorySampler: Sendable {
    private let samples = Mutex(MemorySamples())
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(pid: Int32) {
        let sampling = Task { [self] in
            while !Task.isCancelled, let bytes = MemorySamples.residentBytes(of: pid) {
                samples.withLock { $0.append(bytes) }
                try? await Task.sleep(for: .seconds(1))
            }
        }
        task.withLock { $0 = sampling }
    }

    /// Marks the samples so far as warm-up.
    func endWarmUp() { samples.withLock { $0.warmUpCount = $0.bytes.count } }

    /// Stops sampling and returns the samples.
    func stop() -> MemorySamples {
        task.withLock { $0?.cancel() }
        return samples.withLock { $0 }
    }
}

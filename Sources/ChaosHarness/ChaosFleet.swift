import Foundation
import KafkaDevelopment

/// The worker processes of a chaos run, one slot each. Operations on one slot run one after another in the order
/// they were asked for (a restart waits for the SIGTERM before it to finish draining), operations on different slots
/// run side by side, and every process is ended only through its own pid.
///
/// The fleet also notices what the schedule did not do: a worker that ends without being signalled, one that never
/// prints its ready line, one that does not end within its drain deadline after SIGTERM or ends it with a non-zero
/// status. Each becomes an incident, which the report counts as a violation.
actor ChaosFleet {
    /// Starts generation `generation` of the worker in `slot`; `afterKill` marks a successor of a SIGKILL.
    typealias Launch = @Sendable (_ slot: Int, _ afterKill: Bool, _ generation: Int) async throws -> ChildProcess

    private struct Slot {
        var process: ChildProcess?
        /// Whether the runner signalled the current process (its end is then expected).
        var signalled = false
        /// Whether its unexpected end has been reported.
        var reported = false
        var generation = 0
    }

    private let launch: Launch
    /// How long a SIGTERM'd worker may take to end: its drain deadline and the service group's margin.
    private let terminateWait: Duration
    private var slots: [Slot]
    private var chains: [Task<Void, Never>?]
    private var readiness: [Task<Void, Never>] = []
    private(set) var incidents: [String] = []

    init(workers: Int, terminateWait: Duration, launch: @escaping Launch) {
        self.launch = launch
        self.terminateWait = terminateWait
        slots = Array(repeating: Slot(), count: workers)
        chains = Array(repeating: nil, count: workers)
    }

    /// Slots whose worker has not ended.
    var running: [Int] { slots.indices.filter { slots[$0].process?.exit == nil && slots[$0].process != nil } }

    /// Queues a SIGKILL of the worker in `slot`.
    func kill(_ slot: Int) { enqueue(slot) { await $0.signal(slot, SIGKILL, wait: .seconds(30)) } }

    /// Queues a SIGTERM of the worker in `slot`.
    func terminate(_ slot: Int) { enqueue(slot) { await $0.signal(slot, SIGTERM, wait: $0.terminateWait) } }

    /// Queues a start of `slot` (nothing when its worker still runs).
    func start(_ slot: Int, afterKill: Bool) { enqueue(slot) { await $0.spawn(slot, afterKill: afterKill) } }

    /// Waits until every queued operation has run and every started worker has printed its ready line (or failed to).
    func settle() async {
        for chain in chains { await chain?.value }
        let pending = readiness
        readiness = []
        for task in pending { await task.value }
    }

    /// Records an incident for every worker that ended although nobody signalled it.
    func checkExits() {
        for index in slots.indices {
            guard let process = slots[index].process, let exit = process.exit, !slots[index].signalled,
                  !slots[index].reported else { continue }
            slots[index].reported = true
            incidents.append("worker \(index) (pid \(process.pid)) ended by itself with \(exit); log: \(process.errorPath)")
        }
    }

    private func enqueue(_ slot: Int, _ operation: @escaping @Sendable (ChaosFleet) async -> Void) {
        let previous = chains[slot]
        chains[slot] = Task {
            await previous?.value
            await operation(self)
        }
    }

    private func signal(_ slot: Int, _ number: Int32, wait: Duration) async {
        checkExits()
        guard let process = slots[slot].process, process.exit == nil else { return }
        slots[slot].signalled = true
        process.signal(number)
        if let exit = await process.waitForExit(timeout: wait) {
            if number == SIGTERM, exit != .exited(0) {
                incidents.append("worker \(slot) (pid \(process.pid)) ended with \(exit) after SIGTERM; log: \(process.errorPath)")
            }
            return
        }
        incidents.append("worker \(slot) (pid \(process.pid)) still ran \(wait) after \(number == SIGTERM ? "SIGTERM" : "SIGKILL"); "
            + "killed; log: \(process.errorPath)")
        process.signal(SIGKILL)
        _ = await process.waitForExit(timeout: .seconds(30))
    }

    private func spawn(_ slot: Int, afterKill: Bool) async {
        checkExits()
        if let process = slots[slot].process, process.exit == nil { return }
        slots[slot].generation += 1
        do {
            let process = try await launch(slot, afterKill, slots[slot].generation)
            slots[slot] = Slot(process: process, generation: slots[slot].generation)
            readiness.append(Task { await self.awaitReady(slot, process) })
        } catch {
            incidents.append("worker \(slot) could not be started: \(error)")
        }
    }

    private func awaitReady(_ slot: Int, _ process: ChildProcess) async {
        do {
            _ = try await process.waitForOutputLine(within: .seconds(90), what: "its ready line") {
                $0.contains(#""event":"ready""#)
            }
        } catch {
            // A worker killed or stopped by the schedule before it was ready is no incident.
            if slots[slot].process === process, slots[slot].signalled { return }
            if slots[slot].process !== process { return }
            incidents.append("worker \(slot) (pid \(process.pid)) did not become ready: \(error)")
        }
    }
}

import Foundation
import CometAPISimulator

/// One thing the chaos runner does to the running system: produce jobs, end or start a worker, stall the broker,
/// queue a storm of simulator faults, or change the number of workers.
///
/// Workers are named by their slot (0, 1, 2 for three workers): a slot holds at most one `avatar-worker run` process at a
/// time, and a restarted worker takes its slot (and its `--worker-id`) again.
public enum ChaosAction: Sendable, Hashable {
    /// Produce jobs `first ..< first + count` of the job plan to the jobs topic.
    case produce(first: Int, count: Int)
    /// SIGKILL the worker in `slot` (a crash: nothing is handed over).
    case kill(slot: Int)
    /// SIGTERM the worker in `slot` (a graceful hand-over bounded by `--drain-deadline`).
    case terminate(slot: Int)
    /// Start a worker in `slot` again once its previous process has ended; `afterKill` marks a successor of a SIGKILL,
    /// which runs with the short prior-owner grace (see ``ChaosPlan/afterKillGrace``).
    case restart(slot: Int, afterKill: Bool)
    /// Freeze the broker (SIGSTOP) for `duration`, then thaw it (SIGCONT); the runner thaws it also when it fails.
    case stallBroker(duration: Duration)
    /// Queue `count` injections of `fault` on the simulator's `route` (its `POST /_sim/faults`).
    case storm(fault: SimulatedFault, route: FaultRoute, count: Int)
    /// Run `workers` workers: SIGTERM those in slots at or above it, start the missing ones below it.
    case scale(workers: Int)

    /// What kind of action this is, for coverage checks and the report.
    public var kind: Kind {
        switch self {
        case .produce: .produce
        case .kill: .kill
        case .terminate: .terminate
        case .restart: .restart
        case .stallBroker: .stallBroker
        case .storm: .storm
        case .scale: .scale
        }
    }

    /// The kinds of ``ChaosAction``.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        case produce, kill, terminate, restart, stallBroker = "stall-broker", storm, scale
    }

    /// One line for the run's log, e.g. `kill worker 2`, `stall broker 9.0 s`.
    public var summary: String {
        switch self {
        case .produce(let first, let count): "produce jobs \(first)..<\(first + count)"
        case .kill(let slot): "SIGKILL worker \(slot)"
        case .terminate(let slot): "SIGTERM worker \(slot)"
        case .restart(let slot, let afterKill): "restart worker \(slot)\(afterKill ? " (after SIGKILL)" : "")"
        case .stallBroker(let duration): "stall broker (SIGSTOP) for \(duration.chaosSeconds) s"
        case .storm(let fault, let route, let count): "storm \(fault.rawValue) ×\(count) on \(route.rawValue)"
        case .scale(let workers): "scale to \(workers) worker\(workers == 1 ? "" : "s")"
        }
    }
}

/// An action and when it happens, measured from the start of the schedule.
public struct TimedAction: Sendable, Hashable {
    /// When, from the start of the schedule.
    public var at: Duration
    /// What.
    public var action: ChaosAction

    /// A timed action.
    public init(at: Duration, action: ChaosAction) {
        self.at = at
        self.action = action
    }
}

extension Duration {
    /// Seconds with one decimal, for log lines and reports (`9.0`).
    public var chaosSeconds: String {
        let (seconds, attoseconds) = components
        return String(format: "%.1f", Double(seconds) + Double(attoseconds) / 1e18)
    }

    /// The duration in (fractional) seconds.
    var secondsValue: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

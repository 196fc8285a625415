import AvatarWorker
import CometAPISimulator

/// The fault schedule of one chaos run: a pure function of a seed and a plan, so a run that breaks a promise can be
/// repeated with `--seed` and the schedule itself is tested without processes.
///
/// Four tracks run side by side over ``ChaosPlan/duration``:
/// - **production**: the jobs in batches every half second over the plan's production share;
/// - **fleet**: episodes one after another, each leaving every slot running again — a SIGKILL of a random worker and
///   its restart every few seconds, one SIGTERM of a worker and its restart, and one scale from all workers to one
///   and back;
/// - **broker**: stalls (SIGSTOP, then SIGCONT), at least one shorter than the session timeout and one longer, never
///   overlapping;
/// - **API**: storms of queued simulator faults, every fault of the plan at least once (first on the create route, so
///   lost answers hit creates that did create a task), all while jobs are still being produced so creates consume
///   them.
///
/// The runner performs the actions; it adds nothing to them except the final clean-up (broker thawed, every slot
/// running, leftover queued faults dropped), which the schedule already guarantees for the broker and the slots.
public struct ChaosSchedule: Sendable, Hashable {
    /// The seed the actions follow from.
    public let seed: UInt64
    /// The plan they respect.
    public let plan: ChaosPlan
    /// Every action, in time order (ties keep the order in which the tracks made them).
    public let actions: [TimedAction]

    /// The schedule for `seed` and `plan`.
    /// - Precondition: `plan.problem == nil` (the command checks it first and reports it as a usage error).
    public init(seed: UInt64, plan: ChaosPlan) {
        precondition(plan.problem == nil, plan.problem ?? "")
        self.seed = seed
        self.plan = plan
        var builder = ScheduleBuilder(plan: plan, random: PipelineRandom(seed: seed))
        builder.addProduction()
        builder.addFleetEpisodes()
        builder.addBrokerStalls()
        builder.addStorms()
        actions = builder.actions.enumerated()
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }
            .map(\.element)
    }

    /// How many actions of each kind the schedule holds.
    public var countsByKind: [ChaosAction.Kind: Int] {
        Dictionary(grouping: actions, by: \.action.kind).mapValues(\.count)
    }

    /// The broker stalls' lengths, in time order.
    public var stallDurations: [Duration] {
        actions.compactMap { if case .stallBroker(let duration) = $0.action { duration } else { nil } }
    }

    /// The faults stormed, each with the number of injections queued for it.
    public var stormedInjections: [SimulatedFaultName: Int] {
        var counts: [SimulatedFaultName: Int] = [:]
        for timed in actions {
            if case .storm(let fault, _, let count) = timed.action { counts[fault.rawValue, default: 0] += count }
        }
        return counts
    }

    /// One line per action, `+  12.3 s  SIGKILL worker 1`, for the run's log and `--print-schedule`.
    public var lines: [String] {
        actions.map { "+\($0.at.chaosSeconds.leftPadded(to: 6)) s  \($0.action.summary)" }
    }
}

/// A simulator fault's wire name (`reset-after-read`), the key of the simulator's `faults_injected` counters.
public typealias SimulatedFaultName = String

extension String {
    func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}

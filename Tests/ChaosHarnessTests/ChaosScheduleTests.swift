import ChaosHarness
import CometAPISimulator
import Testing

/// The fault schedule is a pure function of seed and plan: these tests check what every schedule must hold, over
/// many seeds and both the short and the full plan, without a process.
@Suite("Chaos schedule")
struct ChaosScheduleTests {
    static let plans: [(String, ChaosPlan)] = [("short", .short()), ("full", ChaosPlan()), ("minimum", ChaosPlan(jobs: 7, duration: ChaosPlan.minimumDuration))]
    static let seeds: [UInt64] = Array(1...60) + [0, 4242, .max]

    @Test("the same seed gives the same schedule; another seed another one")
    func reproducible() {
        let plan = ChaosPlan.short()
        #expect(ChaosSchedule(seed: 17, plan: plan) == ChaosSchedule(seed: 17, plan: plan))
        #expect(ChaosSchedule(seed: 17, plan: plan).actions != ChaosSchedule(seed: 18, plan: plan).actions)
    }

    @Test("actions are in time order, within the schedule, and stalls end before it does", arguments: plans)
    func timing(name: String, plan: ChaosPlan) {
        for seed in Self.seeds {
            let schedule = ChaosSchedule(seed: seed, plan: plan)
            #expect(schedule.actions.map(\.at) == schedule.actions.map(\.at).sorted(), "seed \(seed)")
            for timed in schedule.actions {
                #expect(timed.at >= .zero && timed.at <= plan.duration, "seed \(seed): \(timed)")
                if case .stallBroker(let duration) = timed.action {
                    #expect(timed.at + duration <= plan.duration, "seed \(seed): a stall outlasts the schedule")
                }
            }
        }
    }

    @Test("every job is produced exactly once, in order, while production lasts", arguments: plans)
    func production(name: String, plan: ChaosPlan) {
        for seed in Self.seeds.prefix(5) {
            let schedule = ChaosSchedule(seed: seed, plan: plan)
            var next = 0
            for timed in schedule.actions {
                guard case .produce(let first, let count) = timed.action else { continue }
                #expect(first == next && count > 0, "seed \(seed): batch \(first)+\(count) after \(next)")
                #expect(timed.at <= plan.duration * plan.productionShare)
                next = first + count
            }
            #expect(next == plan.jobs)
        }
    }

    @Test("every action kind, one stall shorter and one longer than the session timeout, each storm fault on creates",
          arguments: plans)
    func coverage(name: String, plan: ChaosPlan) {
        for seed in Self.seeds {
            let schedule = ChaosSchedule(seed: seed, plan: plan)
            let kinds = Set(schedule.actions.map(\.action.kind))
            #expect(kinds == Set(ChaosAction.Kind.allCases), "seed \(seed): missing \(Set(ChaosAction.Kind.allCases).subtracting(kinds))")
            #expect(schedule.stallDurations.contains { $0 < plan.sessionTimeout }, "seed \(seed): no short stall")
            #expect(schedule.stallDurations.contains { $0 > plan.sessionTimeout }, "seed \(seed): no long stall")
            var onCreate: Set<SimulatedFault> = []
            for timed in schedule.actions {
                if case .storm(let fault, .create, let count) = timed.action, count > 0 {
                    onCreate.insert(fault)
                    #expect(timed.at < plan.duration * plan.productionShare, "seed \(seed): a create storm after production")
                }
            }
            #expect(onCreate == Set(plan.stormFaults), "seed \(seed): not stormed on creates: \(Set(plan.stormFaults).subtracting(onCreate))")
            // A SIGKILL every few seconds: at least two in 50 s, one per 10 s or more in a long schedule.
            let kills = schedule.countsByKind[.kill, default: 0]
            let wanted = plan.duration >= .seconds(100) ? Int(plan.duration / .seconds(10)) : plan.duration >= .seconds(50) ? 2 : 1
            #expect(kills >= wanted, "seed \(seed): \(kills) SIGKILLs, wanted at least \(wanted)")
        }
    }

    @Test("broker stalls never overlap: every SIGSTOP is followed by its SIGCONT before the next", arguments: plans)
    func stallsApart(name: String, plan: ChaosPlan) {
        for seed in Self.seeds {
            let stalls = ChaosSchedule(seed: seed, plan: plan).actions.compactMap { timed -> (Duration, Duration)? in
                if case .stallBroker(let duration) = timed.action { (timed.at, timed.at + duration) } else { nil }
            }
            for (earlier, later) in zip(stalls, stalls.dropFirst()) {
                #expect(earlier.1 <= later.0, "seed \(seed): stalls \(earlier) and \(later) overlap")
            }
        }
    }

    /// Replays the fleet actions on a model of the slots: a SIGKILL or SIGTERM only ever hits a running worker, a
    /// restart only an ended one, the scale episode goes from all to one and back, kills are spread over the whole
    /// schedule, and the fleet is whole at the end.
    @Test("fleet actions only hit running workers, restart ended ones, and leave the fleet whole", arguments: plans)
    func fleetModel(name: String, plan: ChaosPlan) {
        for seed in Self.seeds {
            let schedule = ChaosSchedule(seed: seed, plan: plan)
            var running = Set(0..<plan.workers)
            var scaledDown = false
            var killTimes: [Duration] = []
            for timed in schedule.actions {
                switch timed.action {
                case .kill(let slot), .terminate(let slot):
                    #expect(running.remove(slot) != nil, "seed \(seed): \(timed.action.summary) of a worker not running")
                    if case .kill = timed.action { killTimes.append(timed.at) }
                case .restart(let slot, _):
                    #expect(running.insert(slot).inserted, "seed \(seed): restart of a running worker \(slot)")
                case .scale(let workers):
                    if workers == 1 {
                        #expect(running == Set(0..<plan.workers), "seed \(seed): scale down of a fleet that is not whole")
                        running = [0]
                        scaledDown = true
                    } else {
                        #expect(scaledDown && running == [0], "seed \(seed): scale up without the scale down")
                        running = Set(0..<workers)
                    }
                default:
                    break
                }
            }
            #expect(running == Set(0..<plan.workers), "seed \(seed): the schedule ends without the whole fleet")
            #expect(scaledDown)
            // "Every few seconds": no gap between kills (or from the start to the first) longer than the two
            // required episodes plus a few crash episodes.
            let gaps = zip([Duration.zero] + killTimes, killTimes).map { $1 - $0 }
            #expect(gaps.allSatisfy { $0 < .seconds(60) }, "seed \(seed): kills \(killTimes)")
        }
    }

    @Test("a plan that cannot hold every fault is refused with the reason")
    func refusedPlans() {
        #expect(ChaosPlan(duration: .seconds(20)).problem?.contains("at least 40.0 s") == true)
        #expect(ChaosPlan(workers: 1).problem?.contains("workers must be 2") == true)
        #expect(ChaosPlan(jobs: 0).problem?.contains("jobs must be at least 1") == true)
        #expect(ChaosPlan.short().problem == nil)
        #expect(ChaosPlan().problem == nil)
    }

    @Test("the printed schedule has one line per action with its time")
    func printedLines() {
        let schedule = ChaosSchedule(seed: 3, plan: .short())
        #expect(schedule.lines.count == schedule.actions.count)
        #expect(schedule.lines.contains { $0.contains("SIGKILL worker") })
        #expect(schedule.lines.contains { $0.contains("stall broker (SIGSTOP) for") })
        #expect(schedule.lines.allSatisfy { $0.hasPrefix("+") && $0.contains(" s  ") })
    }
}

import AvatarWorker
import CometAPISimulator

/// Lays out the tracks of a ``ChaosSchedule`` from one seeded random source (tracks in a fixed order, so a seed always
/// gives the same actions). Times are seconds from the schedule's start, rounded to milliseconds.
struct ScheduleBuilder {
    let plan: ChaosPlan
    var random: PipelineRandom
    private(set) var actions: [TimedAction] = []

    /// No fault before this: the workers have just joined.
    static let warmUp = 2.0
    /// Jobs go out in a batch this often.
    static let batchInterval = 0.5
    /// Seconds between the end of one fleet episode and the start of the next ("every few seconds").
    static let episodeGap = 2.0...5.0
    /// Seconds from a SIGKILL to the restart of that slot.
    static let restartAfterKill = 1.5...4.0
    /// Seconds from a SIGTERM to the restart of that slot (the restart also waits for the drained process to end).
    static let restartAfterTerminate = 3.0...6.0
    /// Seconds the fleet runs on one worker before it scales back.
    static let scaledDownFor = 6.0...10.0

    init(plan: ChaosPlan, random: PipelineRandom) {
        self.plan = plan
        self.random = random
    }

    private var end: Double { plan.duration.secondsValue }
    private var productionEnd: Double { end * plan.productionShare }

    private mutating func uniform(_ range: ClosedRange<Double>) -> Double {
        Double.random(in: range, using: &random)
    }

    private mutating func add(_ seconds: Double, _ action: ChaosAction) {
        actions.append(TimedAction(at: .milliseconds(Int64((seconds * 1000).rounded())), action: action))
    }

    /// Every job exactly once, in batches every ``batchInterval`` from the start to the end of production.
    mutating func addProduction() {
        let batches = max(1, min(plan.jobs, Int(productionEnd / Self.batchInterval)))
        var first = 0
        for batch in 0..<batches {
            let count = plan.jobs / batches + (batch < plan.jobs % batches ? 1 : 0)
            add(Double(batch) * Self.batchInterval, .produce(first: first, count: count))
            first += count
        }
    }

    private enum Episode: Hashable { case crash, drain, scale }

    /// Fleet episodes end to end: SIGKILL-and-restart episodes around one SIGTERM episode and one scale episode at
    /// seeded positions. Every slot runs again at the end of each episode, so every kill and SIGTERM targets a
    /// running worker and the schedule ends with the whole fleet.
    mutating func addFleetEpisodes() {
        let fleetEnd = end - 1
        func longest(_ episode: Episode) -> Double { Self.span(of: episode, \.upperBound) + Self.episodeGap.upperBound }
        func average(_ episode: Episode) -> Double {
            (Self.span(of: episode, \.lowerBound) + Self.span(of: episode, \.upperBound) + Self.episodeGap.lowerBound
                + Self.episodeGap.upperBound) / 2
        }
        let room = fleetEnd - Self.warmUp - 1 - average(.drain) - average(.scale)
        let crashes = max(1, Int(room / average(.crash)))
        var episodes: [Episode] = [.drain, .scale] + Array(repeating: .crash, count: crashes)
        episodes.shuffle(using: &random)
        var time = Self.warmUp + uniform(0...2)
        var requiredLeft: [Episode] = [.drain, .scale]
        for episode in episodes {
            switch episode {
            case .crash:
                // A crash may not crowd out the required episodes still to come.
                let reserve = requiredLeft.map(longest).reduce(0, +)
                guard time + longest(.crash) + reserve <= fleetEnd else { continue }
                let slot = Int.random(in: 0..<plan.workers, using: &random)
                add(time, .kill(slot: slot))
                time += uniform(Self.restartAfterKill)
                add(time, .restart(slot: slot, afterKill: true))
            case .drain:
                requiredLeft.removeAll { $0 == .drain }
                let slot = Int.random(in: 0..<plan.workers, using: &random)
                add(time, .terminate(slot: slot))
                time += uniform(Self.restartAfterTerminate)
                add(time, .restart(slot: slot, afterKill: false))
            case .scale:
                requiredLeft.removeAll { $0 == .scale }
                add(time, .scale(workers: 1))
                time += uniform(Self.scaledDownFor)
                add(time, .scale(workers: plan.workers))
            }
            time += uniform(Self.episodeGap)
        }
    }

    /// A bound of the time from an episode's first action to its last.
    private static func span(of episode: Episode, _ bound: KeyPath<ClosedRange<Double>, Double>) -> Double {
        switch episode {
        case .crash: Self.restartAfterKill[keyPath: bound]
        case .drain: Self.restartAfterTerminate[keyPath: bound]
        case .scale: Self.scaledDownFor[keyPath: bound]
        }
    }

    /// One short stall (a quarter to six tenths of the session timeout) and one long one (the session timeout plus
    /// 3–6 s), and one more pair per further 150 s of schedule, each alone in its share of the broker's window.
    mutating func addBrokerStalls() {
        let session = plan.sessionTimeout.secondsValue
        let pairs = 1 + Int((end - ChaosPlan.minimumDuration.secondsValue) / 150)
        var lengths: [Double] = []
        for _ in 0..<pairs {
            lengths.append(session * uniform(0.25...0.6))
            lengths.append(session + uniform(3...6))
        }
        lengths.shuffle(using: &random)
        let windowStart = Self.warmUp + 1, windowEnd = end - 2
        let segment = (windowEnd - windowStart) / Double(lengths.count)
        for (index, length) in lengths.enumerated() {
            let segmentStart = windowStart + Double(index) * segment
            let start = segmentStart + uniform(0...max(0, segment - length))
            add(start, .stallBroker(duration: .milliseconds(Int64((length * 1000).rounded()))))
        }
    }

    /// Every stormed fault once on the create route, then further storms (one per 3 s of production in all) on a
    /// random route, at random times while jobs are still produced.
    mutating func addStorms() {
        let faults = plan.stormFaults
        let total = max(faults.count, Int((productionEnd - Self.warmUp) / 3))
        for index in 0..<total {
            let fault = index < faults.count ? faults[index] : faults[Int.random(in: 0..<faults.count, using: &random)]
            let route: FaultRoute = index < faults.count ? .create : [.create, .query, .any][Int.random(in: 0..<3, using: &random)]
            // A lost answer costs a request timeout: fewer of those per storm.
            let count = fault == .noAnswer ? Int.random(in: 1...3, using: &random) : Int.random(in: 2...8, using: &random)
            add(uniform(Self.warmUp...max(Self.warmUp, productionEnd - 1)), .storm(fault: fault, route: route, count: count))
        }
    }
}

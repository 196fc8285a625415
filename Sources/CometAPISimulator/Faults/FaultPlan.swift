/// Decides which fault, if any, the next API request gets: queued faults first (in order), then random ones by
/// configured rate.
///
/// A value type driven by the simulator under its lock; the random source is passed in so tests can fix it.
struct FaultPlan: Sendable {
    /// Faults to inject on the next matching requests, in order.
    struct Queued: Sendable, Equatable {
        var fault: SimulatedFault
        var route: FaultRoute
        var remaining: Int
    }

    private(set) var queue: [Queued] = []
    /// Probability per request of each fault (checked in a fixed order; the first hit wins).
    var rates: [SimulatedFault: Double]

    init(rates: [SimulatedFault: Double]) {
        self.rates = rates
    }

    /// Adds `count` injections of `fault` on `route` behind those already queued.
    mutating func enqueue(_ fault: SimulatedFault, route: FaultRoute, count: Int) {
        guard count > 0 else { return }
        queue.append(Queued(fault: fault, route: route, remaining: count))
    }

    /// Drops every queued fault.
    mutating func clearQueue() {
        queue.removeAll()
    }

    /// The fault for the next request on `route`, consuming one queued injection when one matches.
    mutating func next(for route: FaultRoute, using random: inout some RandomNumberGenerator) -> SimulatedFault? {
        if let index = queue.firstIndex(where: { $0.route.covers(route) }) {
            let fault = queue[index].fault
            queue[index].remaining -= 1
            if queue[index].remaining == 0 { queue.remove(at: index) }
            return fault
        }
        for fault in SimulatedFault.allCases {
            if let rate = rates[fault], rate > 0, Double.random(in: 0..<1, using: &random) < rate { return fault }
        }
        return nil
    }
}

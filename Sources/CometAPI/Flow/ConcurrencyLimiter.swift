/// How many avatar tasks this worker may hold in flight: additive increase, multiplicative decrease (AIMD).
///
/// Kling counts parallel tasks per account and answers 1303 when there are too many. A permit is taken before a
/// create and held until the task ends. Each accepted create grows the limit by `1/limit` (about one slot per
/// limit's worth of successes), up to the ceiling; a 1303 shrinks it by `decreaseFactor`, down to the floor, at most
/// once per epoch, so a burst of 1303s from requests sent under the old limit counts as one signal.
///
/// A value type that takes events and returns answers; ``SharedConcurrencyLimiter`` wraps it for concurrent use.
public struct ConcurrencyLimiter: Sendable, Equatable {
    /// Bounds and rates of the limit.
    public struct Configuration: Sendable, Equatable {
        /// The limit at start.
        public var initial: Int
        /// The limit never goes below this (at least 1).
        public var floor: Int
        /// The limit never goes above this (this worker's share of the fleet-wide cap).
        public var ceiling: Int
        /// The factor a 1303 multiplies the limit by (0 < factor < 1).
        public var decreaseFactor: Double

        /// Bounds are put in order: `1 ≤ floor ≤ initial ≤ ceiling`; a factor outside (0, 1) becomes 0.5.
        public init(initial: Int, floor: Int = 1, ceiling: Int, decreaseFactor: Double = 0.5) {
            self.floor = max(1, floor)
            self.ceiling = max(self.floor, ceiling)
            self.initial = min(max(initial, self.floor), self.ceiling)
            self.decreaseFactor = decreaseFactor > 0 && decreaseFactor < 1 ? decreaseFactor : 0.5
        }
    }

    /// The right to one task in flight. Give it back with ``release(_:)`` or ``recordThrottled(_:)``.
    public struct Permit: Sendable, Hashable {
        let id: UInt64
        let epoch: UInt64
    }

    /// The configuration in force.
    public let configuration: Configuration
    /// The limit as a real number (grows in fractions).
    public private(set) var limit: Double
    private var outstanding: Set<UInt64> = []
    private var nextID: UInt64 = 0
    private var epoch: UInt64 = 0

    /// A limiter starting at `configuration.initial`.
    public init(configuration: Configuration) {
        self.configuration = configuration
        self.limit = Double(configuration.initial)
    }

    /// Whole tasks allowed in flight now.
    public var currentLimit: Int { Int(limit.rounded(.down)) }
    /// Permits out now.
    public var inFlight: Int { outstanding.count }
    /// Permits that ``acquire()`` would grant now.
    public var available: Int { max(0, currentLimit - inFlight) }

    /// A permit when fewer than ``currentLimit`` are out, otherwise `nil` (wait for a release).
    public mutating func acquire() -> Permit? {
        guard inFlight < currentLimit else { return nil }
        nextID += 1
        outstanding.insert(nextID)
        return Permit(id: nextID, epoch: epoch)
    }

    /// The create under `permit` was accepted: grow the limit additively. The permit stays out until the task ends.
    public mutating func recordAccepted(_ permit: Permit) {
        guard outstanding.contains(permit.id) else { return }
        limit = min(Double(configuration.ceiling), limit + 1 / max(limit, 1))
    }

    /// The create under `permit` got 1303: give the permit back and shrink the limit (once per epoch).
    ///
    /// - Returns: whether the limit shrank (false when this 1303 belongs to an epoch already answered).
    @discardableResult
    public mutating func recordThrottled(_ permit: Permit) -> Bool {
        guard outstanding.remove(permit.id) != nil else { return false }
        guard permit.epoch == epoch else { return false }
        limit = max(Double(configuration.floor), (limit * configuration.decreaseFactor).rounded(.down))
        epoch += 1
        return true
    }

    /// The task under `permit` ended (or its create failed for another reason): free its slot.
    ///
    /// - Returns: false when the permit was already given back.
    @discardableResult
    public mutating func release(_ permit: Permit) -> Bool {
        outstanding.remove(permit.id) != nil
    }

    /// A new ceiling (the worker's share changed after a rebalance); the limit is clamped into the new bounds.
    public mutating func setCeiling(_ ceiling: Int) {
        let configuration = Configuration(
            initial: self.configuration.initial, floor: self.configuration.floor, ceiling: ceiling,
            decreaseFactor: self.configuration.decreaseFactor
        )
        var copy = ConcurrencyLimiter(configuration: configuration)
        copy.limit = min(max(limit, Double(configuration.floor)), Double(configuration.ceiling))
        copy.outstanding = outstanding
        copy.nextID = nextID
        copy.epoch = epoch
        self = copy
    }
}

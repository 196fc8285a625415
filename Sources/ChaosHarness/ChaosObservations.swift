import AvatarJobs
import CometAPISimulator
import Foundation

/// Everything a chaos run saw, gathered by the runner and judged by ``ChaosReport/init(judging:)``: the jobs Kafka
/// acknowledged, every record of the result topic, the simulator's counters, what the runner did and what went wrong
/// around it. A plain value, so the checker is tested without processes.
public struct ChaosObservations: Sendable {
    /// One record of the result topic.
    public struct Event: Sendable, Hashable {
        /// The decoded event.
        public var event: AvatarResultEvent
        /// The record's key (must be the job id).
        public var key: String?

        /// A record.
        public init(event: AvatarResultEvent, key: String?) {
            self.event = event
            self.key = key
        }
    }

    /// The schedule's seed.
    public var seed: UInt64
    /// Jobs whose production Kafka acknowledged (a job whose send failed was never produced).
    public var produced: [ChaosJobs.Job]
    /// Every result record that decoded, in arrival order.
    public var events: [Event]
    /// Result records that are not result events.
    public var unreadableRecords: Int
    /// The simulator's counters after the run.
    public var stats: SimulatorStats
    /// Whether workers reconciled unknown create outcomes by `external_task_id` (`reconcile-then-fail` and a
    /// simulator that answers such queries); if so, a job failed as ambiguous whose task exists is a violation.
    public var reconciling: Bool
    /// Actions the runner performed, by kind.
    public var performed: [ChaosAction.Kind: Int]
    /// Storm injections queued, by fault name (from the schedule).
    public var stormed: [SimulatedFaultName: Int]
    /// Things that went wrong around the system under test: a worker that ended by itself, one that never became
    /// ready, a produce that failed. Each is a violation.
    public var incidents: [String]
    /// Start of the broker to the end of the check.
    public var wallTime: Duration
    /// Whether every job got its terminal event before the runner stopped waiting.
    public var settled: Bool

    /// Observations.
    public init(
        seed: UInt64, produced: [ChaosJobs.Job], events: [Event], unreadableRecords: Int, stats: SimulatorStats,
        reconciling: Bool, performed: [ChaosAction.Kind: Int], stormed: [SimulatedFaultName: Int], incidents: [String],
        wallTime: Duration, settled: Bool
    ) {
        self.seed = seed
        self.produced = produced
        self.events = events
        self.unreadableRecords = unreadableRecords
        self.stats = stats
        self.reconciling = reconciling
        self.performed = performed
        self.stormed = stormed
        self.incidents = incidents
        self.wallTime = wallTime
        self.settled = settled
    }
}

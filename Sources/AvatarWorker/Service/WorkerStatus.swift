/// The worker's state as `GET /status` reports it (JSON, snake_case keys).
public struct WorkerStatus: Sendable, Codable, Equatable {
    /// One owned jobs partition.
    public struct Partition: Sendable, Codable, Equatable {
        /// The partition number.
        public var partition: Int32
        /// The consumer's assignment epoch.
        public var epoch: UInt64
        /// `restoring`, `active`, `handing-over` or `handed-over`.
        public var phase: String
        /// Whether its ledger is still being restored (the partition is held paused).
        public var restoring: Bool
        /// Tasks in flight (submitting, polling or publishing).
        public var tasksInFlight: Int
        /// The partition's current AIMD limit within its share of the fleet cap.
        public var inFlightLimit: Int
        /// The partition's share of the fleet cap.
        public var share: Int
        /// Whether the partition is paused because it holds its limit.
        public var pausedForCapacity: Bool
        /// The last job offset known committed.
        public var committedOffset: Int64?
        /// The last job offset stored for commit.
        public var storedOffset: Int64?

        enum CodingKeys: String, CodingKey {
            case partition, epoch, phase, restoring, share
            case tasksInFlight = "tasks_in_flight", inFlightLimit = "in_flight_limit"
            case pausedForCapacity = "paused_for_capacity", committedOffset = "committed_offset"
            case storedOffset = "stored_offset"
        }
    }

    /// The worker's id.
    public var workerID: String
    /// Whether `/readyz` answers 200.
    public var ready: Bool
    /// Whether results go out in transactions.
    public var exactlyOnce: Bool
    /// The owned jobs partitions.
    public var partitions: [Partition]
    /// Jobs tracked from `submitting` to tombstone.
    public var jobsTracked: Int
    /// Results and DLQ entries not yet written.
    public var pendingPublications: Int
    /// Tombstones waiting for their commit.
    public var pendingTombstones: Int

    enum CodingKeys: String, CodingKey {
        case ready, partitions
        case workerID = "worker_id", exactlyOnce = "exactly_once", jobsTracked = "jobs_tracked"
        case pendingPublications = "pending_publications", pendingTombstones = "pending_tombstones"
    }
}

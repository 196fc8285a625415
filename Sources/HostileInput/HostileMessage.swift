/// One message the fuzzer produces, and what it needs to account for it afterwards.
struct HostileMessage: Sendable {
    /// The record key (usually the job id; sometimes none or another one).
    var key: [UInt8]?
    /// The record value; nil produces a tombstone.
    var value: [UInt8]?
    /// The `job_id` the fuzzer meant.
    var jobID: String
    /// The mutations applied, in order (`none` for a job left valid).
    var mutations: [String]
    /// Other `job_id` strings the bytes hold after mutation (a duplicate key, a recovered id from broken JSON), so a
    /// result keyed by one of them is attributed to this message and not reported as coming from nowhere.
    var otherJobIDs: [String]

    /// The first mutation's family (`byte-flip`, `type-swap`, …), the row of the run's table.
    var family: String { mutations.first.map { String($0.prefix { $0 != ":" }) } ?? "none" }
}

/// Growth of the jobs topic while the worker runs: the shares of the fleet cap are computed again over the new
/// partition count, and the partitions the growth added wait out a hold before they use theirs.
///
/// Workers learn a new count at different times (each on its own partition-count check). A worker that has not yet
/// learnt it still uses its old, larger shares, so if a new partition's owner used its share at once the fleet could
/// exceed the cap by the new partitions' shares. Holding the new partitions for ``Options/partitionGrowthHold`` (at
/// least one check interval of every worker) means every worker has shrunk its old shares for new submissions by the
/// time a new partition submits anything. Tasks already in flight above a shrunken share are kept until they end, so
/// during that drain the fleet can still hold up to the old total of the old partitions: the README's "Growing the
/// topics" states the bound.
extension PipelineCore {
    mutating func partitionCountChanged(to count: Int, _ step: inout Step) {
        let known = capacity.partitionCount
        guard count > known else {
            if count < known {
                step.log(.warning, "jobs partition count below the known one ignored (Kafka cannot remove partitions)", [
                    "known": "\(known)", "reported": "\(count)",
                ])
            }
            return
        }
        let actions = capacity.partitionCountChanged(to: count, holdingNewPartitions: true)
        let releaseAt = step.now.advanced(by: options.partitionGrowthHold)
        timers.arm(.partitionGrowthHold(count: count), at: releaseAt)
        step.log(.notice, "jobs topic grew: shares of the fleet cap computed again; new partitions wait for the hold", [
            "from": "\(known)", "to": "\(count)", "hold_seconds": "\(options.partitionGrowthHold.inSeconds)",
        ])
        if count > capacity.fleetCap {
            step.log(.error, "more jobs partitions than the fleet in-flight cap: the partitions from the cap up get no share", [
                "partitions": "\(count)", "fleet_cap": "\(capacity.fleetCap)",
            ])
        }
        followShares(actions, &step)
    }

    /// The hold of the growth to `count` partitions passed; a later growth holds on with its own timer.
    mutating func partitionGrowthHoldEnded(count: Int, _ step: inout Step) {
        guard capacity.partitionCount == count else { return }
        let actions = capacity.releaseHeldPartitions()
        step.log(.info, "growth hold over: the new jobs partitions use their shares", ["partitions": "\(count)"])
        followShares(actions, &step)
    }

    /// Every owned partition's flow and capacity gauge after its share changed; waiting jobs start in `settle`.
    private mutating func followShares(_ actions: [Int32: [InFlightCapacity.Action]], _ step: inout Step) {
        for partition in owned.keys.sorted() {
            adjustFlow(actions[partition] ?? [], of: partition, &step)
        }
    }
}

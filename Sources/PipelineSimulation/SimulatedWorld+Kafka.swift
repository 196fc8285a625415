import AvatarJobs
import AvatarWorker

/// The simulated broker and group coordinator.
extension SimulatedWorld {
    // MARK: Logs

    func land(_ landing: Landing) {
        switch landing.kind {
        case .ledger(let partition, let jobID, let record):
            let offset = Int64(tasksLog[Int(partition)].count)
            tasksLog[Int(partition)].append(LedgerEntry(jobID: jobID, record: record))
            liveLedgerKeys[Int(partition)][jobID] = record == nil ? nil : offset
            note(jobID, "ledger[\(partition)]@\(offset) ← \(record?.state.rawValue ?? "tombstone") by \(landing.writer)")
            guard let index = jobIndexByID[jobID] else { return }
            switch record?.state {
            case .submitting?:
                jobs[index].submittingWriters.insert(landing.writer)
            case .submitted?, .published?:
                jobs[index].durable = true
            case nil:
                checks.tombstoneLanded(job: jobs[index], committed: committed[Int(partition)], world: self)
            }
        case .result(let event):
            guard let index = jobIndexByID[event.jobID] else { return }
            note(event.jobID, "results ← \(event.type.rawValue) \(event.error?.code ?? "") by \(landing.writer)")
            resultsLog.append(ResultEntry(event: event, writer: landing.writer, time: now))
            guard event.type.isTerminal else { return }
            jobs[index].terminalEventIDs.append(event.eventID)
            jobs[index].terminalTypes.append(event.type)
            jobs[index].terminalWriters.append(landing.writer)
            jobs[index].terminalCodes.append(event.error?.code)
            jobs[index].durable = true
        case .deadLetter(let jobKey):
            deadLetters += 1
            if let jobKey, let index = jobIndexByID[jobKey] {
                jobs[index].deadLettered = true
                jobs[index].durable = true
                note(jobKey, "dead letter by \(landing.writer)")
            }
        }
    }

    func ledgerReadArrives(_ slot: Int, _ incarnation: Int, _ id: UInt64, _ partition: Int32, _ from: Int64?) {
        let result: PipelineCore.LedgerReadResult
        if faultsOn && chance(scenario.readFailure) {
            faults.count("ledger read failed")
            result = .failed(reason: "simulated read failure")
        } else {
            var index = TaskLedgerIndex<AvatarTaskRecord>()
            let log = tasksLog[Int(partition)]
            // A restore (`from` nil) starts at the group's checkpoint, as the driver's does.
            let start = from ?? checkpoints[Int(partition)] ?? 0
            if from == nil, start > 0 { restoresFromCheckpoint += 1 }
            var ledger = LedgerLiveOffsets(startingAt: start)
            for offset in Int(start)..<log.count {
                let entry = log[offset]
                index.apply(offset: Int64(offset), jobID: entry.jobID, record: TaskLedgerRecord(entry.record))
                ledger.apply(LedgerMark(offset: Int64(offset), jobID: entry.jobID, record: entry.record))
            }
            ledger.advance(to: Int64(log.count))
            result = .read(index, committedOffset: committed[Int(partition)], ledger: ledger)
        }
        schedule(.feed(slot: slot, incarnation: incarnation, .ledgerRead(id: id, result)), at: kafkaTime(0.001))
    }

    func ledgerScanArrives(_ slot: Int, _ incarnation: Int, _ id: UInt64, _ partition: Int32, _ from: Int64) {
        let result: PipelineCore.LedgerScanResult
        if faultsOn && chance(scenario.readFailure) {
            faults.count("ledger scan failed")
            result = .failed(reason: "simulated scan failure")
        } else {
            let log = tasksLog[Int(partition)]
            let marks = (Int(from)..<max(Int(from), log.count)).map { offset in
                LedgerMark(offset: Int64(offset), jobID: log[offset].jobID, record: log[offset].record)
            }
            result = .scanned(marks, end: max(from, Int64(log.count)))
        }
        schedule(.feed(slot: slot, incarnation: incarnation, .ledgerScanned(id: id, result)), at: kafkaTime(0.001))
    }

    /// A checkpoint commit reaches the coordinator. Like Kafka's, it takes a commit from any member of the group,
    /// owner of the partition or not (a process that lost it may still be a member): the checkpoint must be safe
    /// whoever sends it and however late.
    func checkpointArrives(_ slot: Int, _ incarnation: Int, _ id: UInt64, _ partition: Int32, _ offset: Int64) {
        let writer = "w\(slot).\(incarnation)"
        let fenced = coordinator.members[writer] == nil
        let fails = fenced || (faultsOn && chance(scenario.commitFailure))
        if !fails {
            note(partition: partition, "checkpoint \(offset) by \(writer)")
            checks.checkpointApplied(
                partition: partition, offset: offset,
                lowestLive: liveLedgerKeys[Int(partition)].values.min() ?? Int64(tasksLog[Int(partition)].count), world: self,
                writer: writer)
            checkpoints[Int(partition)] = offset
            checkpointsCommitted += 1
        } else if !fenced {
            faults.count("checkpoint commit failed")
        }
        schedule(.feed(slot: slot, incarnation: incarnation, .checkpointCommitted(id: id, succeeded: !fails)),
                 at: kafkaTime(0.001))
    }

    // MARK: Commits

    /// Whether `slot`'s incarnation is the group member that owns `partition` now (a commit from anyone else is
    /// fenced).
    func owns(_ slot: Int, _ incarnation: Int, _ partition: Int32) -> Bool {
        let member = "w\(slot).\(incarnation)"
        return coordinator.members[member] != nil && coordinator.owner[partition] == member
    }

    func commitArrives(_ commit: PendingCommit) {
        let fenced = commit.offsets.keys.contains { !owns(commit.slot, commit.incarnation, $0) }
        let fails = fenced || (!commit.automatic && faultsOn && chance(scenario.commitFailure))
        if !fails {
            for (partition, offset) in commit.offsets.sorted(by: { $0.key < $1.key }) {
                applyCommit(partition, offset, by: "w\(commit.slot).\(commit.incarnation)")
            }
        } else if !fenced {
            faults.count("commit failed")
        }
        guard !commit.automatic else { return }
        schedule(.feed(slot: commit.slot, incarnation: commit.incarnation, .committed(id: commit.id, succeeded: !fails)),
                 at: kafkaTime(0.001))
    }

    func applyCommit(_ partition: Int32, _ offset: Int64, by writer: String) {
        let previous = committed[Int(partition)] ?? 0
        guard offset > previous || committed[Int(partition)] == nil else { return }
        note(partition: partition, "committed \(offset) by \(writer)")
        checks.commitApplied(partition: partition, from: previous, to: offset, world: self, writer: writer)
        committed[Int(partition)] = offset
    }

    func transactionArrives(_ transaction: PendingTransaction) {
        let fenced = transaction.offsets.keys.contains { !owns(transaction.slot, transaction.incarnation, $0) }
            || coordinator.members["w\(transaction.slot).\(transaction.incarnation)"] == nil
        let fails = fenced || (faultsOn && chance(scenario.commitFailure))
        if !fails {
            // One transaction: its records and its commit become visible together. The commit is applied first
            // so a tombstone it carries is judged against the offsets committed with it; the records land before
            // anything else can look at the commit.
            let writer = "w\(transaction.slot).\(transaction.incarnation)"
            for record in transaction.records {
                switch landingKind(record) {
                case .result(let event) where event.type.isTerminal:
                    if let index = jobIndexByID[event.jobID] { jobs[index].durable = true }
                case .deadLetter(let key?):
                    if let index = jobIndexByID[key] { jobs[index].durable = true }
                default:
                    continue
                }
            }
            for (partition, offset) in transaction.offsets.sorted(by: { $0.key < $1.key }) {
                applyCommit(partition, offset, by: writer)
            }
            for record in transaction.records { land(Landing(kind: landingKind(record), writer: writer)) }
        } else {
            faults.count("transaction aborted")
        }
        schedule(.feed(slot: transaction.slot, incarnation: transaction.incarnation,
                       .transactionEnded(id: transaction.id, succeeded: !fails)), at: kafkaTime(0.001))
    }

    /// librdkafka's auto-commit: every 5 s the stored offsets of owned partitions (at-least-once mode only).
    func autoCommit() {
        if !scenario.exactlyOnce {
            for slot in workers.indices where workers[slot].running {
                commitStored(slot, partitions: workers[slot].assigned.keys.sorted())
            }
        }
        after(5, .autoCommit)
    }

    /// Commits what `slot` stored for `partitions` (auto-commit, revocation, close).
    func commitStored(_ slot: Int, partitions: [Int32]) {
        guard !scenario.exactlyOnce else { return }
        var offsets: [Int32: Int64] = [:]
        for partition in partitions {
            if let stored = workers[slot].stored[partition] { offsets[partition] = stored }
        }
        guard !offsets.isEmpty else { return }
        schedule(.commitArrives(PendingCommit(
            slot: slot, incarnation: workers[slot].incarnation, id: 0, offsets: offsets, automatic: true)),
                 at: kafkaTime(0.002))
    }

    // MARK: The group

    func joinGroup(_ slot: Int, _ incarnation: Int) {
        guard workers[slot].incarnation == incarnation, workers[slot].running else { return }
        coordinator.members[workers[slot].name] = slot
        requestRebalance()
    }

    func memberExpired(_ slot: Int, _ incarnation: Int) {
        let member = "w\(slot).\(incarnation)"
        guard coordinator.members[member] != nil else { return }
        coordinator.remove(member)
        requestRebalance()
        if coordinator.rebalancing, coordinator.awaiting.values.allSatisfy(\.isEmpty) {
            after(0.01, .assignPhase(coordinator.generation))
        }
    }

    func requestRebalance() {
        if coordinator.rebalancing {
            coordinator.rebalanceAgain = true
        } else if !coordinator.rebalanceScheduled {
            coordinator.rebalanceScheduled = true
            schedule(.rebalance, at: kafkaTime(uniform(0.2...3)))
        }
    }

    /// Computes a balanced, sticky target and asks current owners to revoke what moves.
    func rebalance() {
        if stall(at: now) != nil {
            schedule(.rebalance, at: kafkaTime(0.1))
            return
        }
        faults.count("rebalance")
        coordinator.rebalanceScheduled = false
        coordinator.rebalancing = true
        coordinator.rebalanceAgain = false
        coordinator.generation += 1
        let members = coordinator.members.keys.sorted()
        var target: [Int32: String] = [:]
        if !members.isEmpty {
            let quota = (scenario.partitions + members.count - 1) / members.count
            var load: [String: Int] = [:]
            for partition in 0..<Int32(scenario.partitions) {
                if let owner = coordinator.owner[partition], members.contains(owner), (load[owner] ?? 0) < quota {
                    target[partition] = owner
                    load[owner, default: 0] += 1
                }
            }
            for partition in 0..<Int32(scenario.partitions) where target[partition] == nil {
                let lightest = members.min { ((load[$0] ?? 0), $0) < ((load[$1] ?? 0), $1) }!
                target[partition] = lightest
                load[lightest, default: 0] += 1
            }
        }
        coordinator.target = target
        coordinator.awaiting = [:]
        for (partition, member) in target { note(partition: partition, "rebalance g\(coordinator.generation): target \(member), owner \(coordinator.owner[partition] ?? "-"), members \(members)") }
        var revocations: [String: [Int32]] = [:]
        for (partition, owner) in coordinator.owner.sorted(by: { $0.key < $1.key }) where target[partition] != owner {
            revocations[owner, default: []].append(partition)
        }
        for (member, partitions) in revocations.sorted(by: { $0.key < $1.key }) {
            guard let slot = coordinator.members[member] else { continue }
            coordinator.awaiting[member] = Set(partitions)
            let incarnation = Int(member.split(separator: ".")[1])!
            schedule(.feed(slot: slot, incarnation: incarnation, .revoking(partitions, lost: false)), at: now + 0.001)
        }
        if revocations.isEmpty { after(0.01, .assignPhase(coordinator.generation)) }
    }

    /// A worker's core handed partitions over (or let go of them).
    func revocationFinished(_ slot: Int, _ partitions: [Int32]) {
        let member = workers[slot].name
        // librdkafka commits a revoked partition's stored offset before it rejoins (not a lost one: its offsets
        // were cleared when the loss was noticed).
        if !scenario.exactlyOnce, stall(at: now) == nil {
            for partition in partitions where owns(slot, workers[slot].incarnation, partition) {
                if let stored = workers[slot].stored[partition] { applyCommit(partition, stored, by: member) }
            }
        }
        let released = Set(partitions)
        workers[slot].decided = workers[slot].decided.filter { jobID in
            jobIndexByID[jobID].map { !released.contains(jobs[$0].partition) } ?? false
        }
        for partition in partitions {
            workers[slot].assigned[partition] = nil
            workers[slot].paused.remove(partition)
            if coordinator.owner[partition] == member, coordinator.awaiting[member]?.contains(partition) == true {
                coordinator.owner[partition] = nil
            }
        }
        guard var awaiting = coordinator.awaiting[member] else { return }
        awaiting.subtract(partitions)
        coordinator.awaiting[member] = awaiting
        if coordinator.awaiting.values.allSatisfy(\.isEmpty) {
            schedule(.assignPhase(coordinator.generation), at: kafkaTime(0.005))
        }
    }

    /// Every revocation is done: the new owners get their partitions, from the committed offsets.
    func assignPhase(_ generation: Int) {
        guard coordinator.rebalancing, coordinator.generation == generation,
              coordinator.awaiting.values.allSatisfy(\.isEmpty)
        else { return }
        var assignments: [String: [PipelineCore.AssignedPartition]] = [:]
        for partition in 0..<Int32(scenario.partitions) {
            note(partition: partition, "assign phase g\(generation): target \(coordinator.target[partition] ?? "-"), owner \(coordinator.owner[partition] ?? "-")")
        }
        for (partition, member) in coordinator.target.sorted(by: { $0.key < $1.key }) {
            guard coordinator.members[member] != nil, coordinator.owner[partition] == nil else { continue }
            coordinator.owner[partition] = member
            kafkaEpochCounter += 1
            assignments[member, default: []].append(
                PipelineCore.AssignedPartition(partition: partition, kafkaEpoch: kafkaEpochCounter))
        }
        coordinator.rebalancing = false
        for (member, partitions) in assignments.sorted(by: { $0.key < $1.key }) {
            guard let slot = coordinator.members[member], workers[slot].name == member, workers[slot].running else { continue }
            for assignment in partitions {
                workers[slot].assigned[assignment.partition] = assignment.kafkaEpoch
                workers[slot].position[assignment.partition] = committed[Int(assignment.partition)] ?? 0
                workers[slot].stored[assignment.partition] = nil
            }
            feed(slot, workers[slot].incarnation, .assigned(partitions))
            for assignment in partitions { scheduleDelivery(slot, assignment.partition) }
        }
        let orphaned = (0..<Int32(scenario.partitions)).contains { coordinator.owner[$0] == nil }
        if coordinator.rebalanceAgain || (orphaned && !coordinator.members.isEmpty) {
            coordinator.rebalanceAgain = false
            requestRebalance()
        }
    }

    // MARK: Broker stalls

    /// A stall outlasted the session timeout: every member's client notices and gives its partitions up as lost.
    func stallDetected(_ index: Int) {
        faults.count("partitions lost")
        for slot in workers.indices where workers[slot].running && !workers[slot].assigned.isEmpty {
            let partitions = workers[slot].assigned.keys.sorted()
            checks.lostPartitions.insert(workers[slot].name)
            workers[slot].stored = [:]  // a lost partition's offsets can no longer be committed
            feed(slot, workers[slot].incarnation, .revoking(partitions, lost: true))
            workers[slot].assigned = [:]
        }
    }

    /// The broker resumed; after a long stall its coordinator expired every member, which all join again.
    func stallEnded(_ index: Int) {
        let stall = scenario.brokerStalls[index]
        guard stall.seconds > scenario.sessionTimeout else { return }
        // The coordinator expired every member during the stall: a member that still holds partitions (assigned
        // after its client noticed the stall) learns it at its next heartbeat and gives them up as lost.
        for slot in workers.indices where workers[slot].running && !workers[slot].assigned.isEmpty {
            let partitions = workers[slot].assigned.keys.sorted()
            checks.lostPartitions.insert(workers[slot].name)
            workers[slot].stored = [:]
            feed(slot, workers[slot].incarnation, .revoking(partitions, lost: true))
            workers[slot].assigned = [:]
        }
        coordinator.owner = [:]
        coordinator.awaiting = [:]
        coordinator.generation += 1
        coordinator.rebalancing = false
        requestRebalance()
    }
}

import AvatarJobs
import AvatarWorker

/// Worker processes: each runs a real `PipelineCore`; the world performs its commands with simulated latency and
/// faults and feeds the answers back. A crash drops the core with everything it knew; answers to the old
/// incarnation are lost.
extension SimulatedWorld {
    func start() {
        workers = (0..<max(scenario.workers, 4)).map { SimulatedWorker(slot: $0) }
        cores = Array(repeating: nil, count: workers.count)
        for slot in 0..<scenario.workers { startWorker(slot) }
        if let every = scenario.crashEvery { after(uniform(0.5...2) * every, .crashSomeone) }
        if let every = scenario.sigtermEvery { after(uniform(0.5...2) * every, .sigtermSomeone) }
        if let down = scenario.scaleDownAt { schedule(.scaleDown, at: down) }
        if let up = scenario.scaleUpAt { schedule(.scaleUp, at: up) }
        for (index, stall) in scenario.brokerStalls.enumerated() {
            faults.count(stall.seconds > scenario.sessionTimeout ? "broker stall > session timeout" : "broker stall < session timeout")
            if stall.seconds > scenario.sessionTimeout {
                schedule(.stallDetected(index), at: stall.start + scenario.sessionTimeout)
            }
            schedule(.stallEnded(index), at: stall.start + stall.seconds)
        }
        after(5, .autoCommit)
    }

    func options(for worker: SimulatedWorker) -> PipelineCore.Options {
        var options = PipelineCore.Options(
            worker: AvatarResultEvent.WorkerInfo(id: worker.name, version: "sim"),
            lifecycle: JobLifecycle.Options(
                ambiguousSubmission: scenario.policy, publishesResultWithTombstone: scenario.exactlyOnce),
            exactlyOnce: scenario.exactlyOnce,
            submissionDeadline: .seconds(3600),
            pollPolicy: PollPolicy(
                firstPollDelayStd: .seconds(8), firstPollDelayPro: .seconds(15), interval: .seconds(6),
                slowDownAfter: .seconds(60), slowInterval: .seconds(15), rampDuration: .seconds(60)),
            accountProbeInterval: .seconds(20),
            handoverDeadline: .seconds(30),
            priorOwnerGrace: .seconds(scenario.requestTimeout + 10),
            checkpointInterval: .seconds(scenario.checkpointInterval),
            progressEvents: scenario.progressEvents,
            seed: scenario.seed &+ UInt64(worker.slot) &* 1_000_003 &+ UInt64(worker.incarnation))
        options.plantedBug = scenario.plantedBug
        return options
    }

    func startWorker(_ slot: Int) {
        guard !workers[slot].running else { return }
        workers[slot].incarnation += 1
        let worker = workers[slot]
        let capacity = try! InFlightCapacity(fleetCap: scenario.fleetCap, partitionCount: scenario.partitions)
        workers[slot] = SimulatedWorker(slot: slot, incarnation: worker.incarnation, running: true)
        cores[slot] = PipelineCore(options: options(for: workers[slot]), capacity: capacity, now: instant(now))
        cores[slot]?.countsTimers = countsEvents
        after(uniform(0.05...0.5), .joinGroup(slot: slot, incarnation: worker.incarnation))
    }

    func crashSomeone() {
        guard faultsOn else { return }
        if let slot = pickRunning() { crash(slot) }
        if let every = scenario.crashEvery { after(uniform(0.3...1.7) * every, .crashSomeone) }
    }

    /// Kills `slot` if it still runs as `incarnation`.
    func crashWorker(_ slot: Int, _ incarnation: Int) {
        guard workers[slot].running, workers[slot].incarnation == incarnation else { return }
        crash(slot)
    }

    func crash(_ slot: Int) {
        faults.count("SIGKILL")
        let worker = workers[slot]
        checks.crashed.insert(worker.name)
        workers[slot].running = false
        cores[slot] = nil
        workers[slot].assigned = [:]
        workers[slot].deliveryScheduled = []
        if coordinator.members[worker.name] != nil {
            after(scenario.sessionTimeout, .memberExpired(slot: slot, incarnation: worker.incarnation))
        }
        after(uniform(1...5), .startWorker(slot))
    }

    func sigtermSomeone() {
        guard faultsOn else { return }
        if let slot = pickRunning(), !workers[slot].shuttingDown { sigterm(slot) }
        if let every = scenario.sigtermEvery { after(uniform(0.3...1.7) * every, .sigtermSomeone) }
    }

    func sigterm(_ slot: Int, restart: Bool = true) {
        faults.count("SIGTERM")
        workers[slot].shuttingDown = true
        workers[slot].restartAfterStop = restart
        feed(slot, workers[slot].incarnation, .shutdown)
    }

    func scaleDown() {
        faults.count("scale to one worker")
        let running = workers.indices.filter { workers[$0].running && !workers[$0].shuttingDown }
        for slot in running.dropFirst() { sigterm(slot, restart: false) }
    }

    func scaleUp() {
        for slot in 0..<scenario.workers where !workers[slot].running && !workers[slot].shuttingDown {
            startWorker(slot)
        }
    }

    func pickRunning() -> Int? {
        let running = workers.indices.filter { workers[$0].running }
        guard !running.isEmpty else { return nil }
        return running[Int(random.next() % UInt64(running.count))]
    }

    // MARK: Feeding a core

    func feed(_ slot: Int, _ incarnation: Int, _ event: PipelineCore.Event) {
        if tracedJob != nil {
            switch event {
            case .revoking(let partitions, let lost):
                for partition in partitions { note(partition: partition, "w\(slot).\(incarnation) revoking (lost: \(lost))") }
            case .assigned(let partitions):
                for assigned in partitions { note(partition: assigned.partition, "w\(slot).\(incarnation) assigned") }
            case .shutdown:
                for partition in workers[slot].assigned.keys { note(partition: partition, "w\(slot).\(incarnation) SIGTERM") }
            case .committed(let id, let ok):
                note(partition: jobs[jobIndexByID[tracedJob!]!].partition, "w\(slot).\(incarnation) commit \(id) answered \(ok)")
            default: break
            }
        }
        guard workers[slot].incarnation == incarnation, workers[slot].running,
              let commands = cores[slot]?.handle(event, at: instant(now))
        else { return }
        for command in commands { perform(command, slot: slot) }
        armTick(slot)
    }

    func tick(_ slot: Int, _ incarnation: Int) {
        // Only the latest armed tick of the incarnation counts; an earlier one made the later ones stale.
        guard workers[slot].incarnation == incarnation, workers[slot].tickAt == now else { return }
        workers[slot].tickAt = nil
        feed(slot, incarnation, .tick)
    }

    func armTick(_ slot: Int) {
        guard workers[slot].running, let wake = cores[slot]?.nextWakeup else { return }
        // The virtual second whose instant is not before the wake-up (a round trip through `Date` may land a hair
        // early, and a tick that finds nothing due would only arm itself again).
        var at = max(now, wake.date.timeIntervalSince(epoch))
        while instant(at) < wake { at = at.nextUp }
        if let armed = workers[slot].tickAt, armed <= at { return }
        workers[slot].tickAt = at
        schedule(.tick(slot: slot, incarnation: workers[slot].incarnation), at: at)
    }

    func answer(_ slot: Int, after delay: Double, _ event: PipelineCore.Event, kafka: Bool = false) {
        let time = kafka ? kafkaTime(delay) : now + delay
        schedule(.feed(slot: slot, incarnation: workers[slot].incarnation, event), at: time)
    }

    /// Performs one command of `slot`'s core.
    func perform(_ command: PipelineCore.Command, slot: Int) {
        let name = workers[slot].name
        let incarnation = workers[slot].incarnation
        switch command {
        case .pause(let partition):
            workers[slot].paused.insert(partition)
        case .resume(let partition):
            workers[slot].paused.remove(partition)
            scheduleDelivery(slot, partition)
        case .storeOffset(let partition, let offset, let kafkaEpoch):
            note(partition: partition, "\(name) stores \(offset)")
            guard workers[slot].assigned[partition] == kafkaEpoch else { return }
            workers[slot].stored[partition] = offset
        case .readLedger(let id, let partition, let from):
            let latency = 0.005 + Double(tasksLog[Int(partition)].count) * 0.000_01
            schedule(.ledgerReadArrives(slot: slot, incarnation: incarnation, id: id, partition: partition, from: from),
                     at: kafkaTime(latency))
        case .scanLedger(let id, let partition, let from):
            let latency = 0.002 + Double(tasksLog[Int(partition)].count - Int(from)) * 0.000_01
            schedule(.ledgerScanArrives(slot: slot, incarnation: incarnation, id: id, partition: partition, from: from),
                     at: kafkaTime(latency))
        case .commitCheckpoint(let id, let partition, let offset):
            note(partition: partition, "\(name) commits checkpoint \(offset)")
            let arrival = kafkaTime(uniform(0.002...0.02))
            schedule(.checkpointArrives(slot: slot, incarnation: incarnation, id: id, partition: partition, offset: offset),
                     at: arrival)
            if faultsOn, chance(scenario.checkpointCrash) {
                // Killed while the checkpoint is on its way: before it lands or just after.
                faults.count("SIGKILL during a checkpoint commit")
                schedule(.crashWorker(slot: slot, incarnation: incarnation), at: arrival + uniform(-0.002...0.002))
            }
        case .writeLedger(let id, let ledgerWrite):
            note(ledgerWrite.jobID, "\(name) writes ledger \(ledgerWrite.record?.state.rawValue ?? "tombstone")")
            write(id: id, slot: slot,
                  records: [.ledger(partition: ledgerWrite.partition, jobID: ledgerWrite.jobID, record: ledgerWrite.record)],
                  failure: scenario.writeFailure, answer: { .ledgerWritten(id: id, succeeded: $0) })
        case .create(let id, let call):
            let jobIndex = jobIndexByExternalID[call.externalTaskID]
            note(jobIndex.map { jobs[$0].id }, "\(name) sends create\(call.isProbe ? " (probe)" : "")")
            schedule(.apiCreate(PendingCreate(slot: slot, incarnation: incarnation, id: id, call: call, sentAt: now)),
                     at: now + apiLatency())
        case .reconcile(let id, let externalTaskID):
            schedule(.apiReconcile(slot: slot, incarnation: incarnation, id: id, externalTaskID: externalTaskID),
                     at: now + apiLatency())
        case .query(let id, let taskID):
            if let task = tasks[taskID] {
                note(jobs[task.job].id, "\(name) polls \(taskID)")
                if workers[slot].decided.contains(jobs[task.job].id) {
                    checks.violate(.polledAfterResult, job: jobs[task.job].id,
                                   "\(name) polled task \(taskID) after deciding the job's result")
                }
            }
            schedule(.apiQuery(slot: slot, incarnation: incarnation, id: id, taskID: taskID), at: now + apiLatency())
        case .publish(let id, let records):
            for case .result(let event, _) in records where event.type.isTerminal {
                note(event.jobID, "\(name) publishes \(event.type.rawValue) \(event.error?.code ?? "")")
            }
            write(id: id, slot: slot, records: records.map(landingKind), failure: scenario.publishFailure,
                  answer: { .published(id: id, succeeded: $0) })
        case .commit(let id, let offsets):
            for (partition, offset) in offsets { note(partition: partition, "\(name) commit \(id) of \(offset)") }
            schedule(.commitArrives(PendingCommit(
                slot: slot, incarnation: incarnation, id: id, offsets: offsets, automatic: false)),
                     at: kafkaTime(uniform(0.002...0.02)))
        case .transaction(let id, let records, let offsets):
            for case .result(let event, _) in records where event.type.isTerminal {
                note(event.jobID, "\(name) commits \(event.type.rawValue) \(event.error?.code ?? "")")
            }
            schedule(.transactionArrives(PendingTransaction(
                slot: slot, incarnation: incarnation, id: id, records: records, offsets: offsets)),
                     at: kafkaTime(uniform(0.005...0.05)))
        case .finishRevocation(let partitions):
            for partition in partitions { note(partition: partition, "\(name) finished revocation") }
            revocationFinished(slot, partitions)
        case .drained:
            closeWorker(slot)
        case .log:
            return
        case .observe(.resultDecided(let jobID, _)):
            workers[slot].decided.insert(jobID)
            if let index = jobIndexByID[jobID] { jobs[index].decided = true }
        case .observe(let observation):
            observe(observation)
        }
    }

    func landingKind(_ record: PipelineCore.OutgoingRecord) -> Landing.Kind {
        switch record {
        case .result(let event, _): .result(event)
        case .deadLetter(let letter): .deadLetter(jobKey: letter.raw.key.map { String(decoding: $0, as: UTF8.self) })
        case .tombstone(let jobID, let partition): .ledger(partition: partition, jobID: jobID, record: nil)
        }
    }

    /// Writes records through `slot`'s producer: they land in order per writer and partition (idempotent producer),
    /// or the write fails as a whole; the ack follows the landing. A write in flight lands even if its writer dies.
    func write(
        id: UInt64, slot: Int, records: [Landing.Kind], failure: Double, answer: (Bool) -> PipelineCore.Event
    ) {
        let writer = workers[slot].name
        let fails = faultsOn && chance(failure)
        var landsAt = kafkaTime(uniform(0.002...0.03))
        if let last = landingClock[writer], last >= landsAt { landsAt = last + 0.000_1 }
        if fails {
            faults.count("produce failed")
            schedule(.feed(slot: slot, incarnation: workers[slot].incarnation, answer(false)), at: landsAt + 0.5)
            return
        }
        landingClock[writer] = landsAt
        for kind in records { schedule(.land(Landing(kind: kind, writer: writer)), at: landsAt) }
        schedule(.feed(slot: slot, incarnation: workers[slot].incarnation, answer(true)), at: landsAt + 0.000_5)
    }

    func apiLatency() -> Double {
        chance(0.02) ? uniform(1...4) : uniform(0.005...0.15)
    }

    func observe(_ observation: PipelineCore.Observation) {
        switch observation {
        case .accountGate(let open): if !open { faults.count("account gate closed") }
        default: return
        }
    }

    /// Shutdown drained: the consumer leaves the group (its final revocation is a no-op) and the process ends.
    func closeWorker(_ slot: Int) {
        let worker = workers[slot]
        let partitions = worker.assigned.keys.sorted()
        if !partitions.isEmpty {
            feed(slot, worker.incarnation, .revoking(partitions, lost: false))
        }
        commitStored(slot, partitions: partitions)
        workers[slot].running = false
        cores[slot] = nil
        workers[slot].assigned = [:]
        workers[slot].shuttingDown = false
        if coordinator.members[worker.name] != nil {
            coordinator.remove(worker.name)
            requestRebalance()
            if coordinator.rebalancing, coordinator.awaiting.values.allSatisfy(\.isEmpty) {
                after(0.01, .assignPhase(coordinator.generation))
            }
        }
        if workers[slot].restartAfterStop { after(uniform(0.5...3), .startWorker(slot)) }
    }
}

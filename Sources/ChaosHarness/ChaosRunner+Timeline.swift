import Foundation
import Kafka
import KafkaDevelopment
import Synchronization

extension ChaosRunner {
    /// What performing the schedule left behind: the jobs Kafka acknowledged, the actions done, what went wrong.
    struct Performance: Sendable {
        var produced: [ChaosJobs.Job] = []
        var performed: [ChaosAction.Kind: Int] = [:]
        var incidents: [String] = []
    }

    /// Performs every action at its time from now. Actions that take time (producing through a stalled broker, the
    /// stall itself, a storm's request) run as child tasks, so the timeline never waits for them; operations on a
    /// worker queue on its slot (``ChaosFleet``). Returns once the schedule's duration is over and every child task
    /// has ended; a stall's SIGCONT runs even when the task is cancelled.
    func perform(jobs: ChaosJobs, producer: KafkaProducer, fleet: ChaosFleet, stack: ChaosStack) async -> Performance {
        let plan = schedule.plan
        let result = PerformanceLog()
        let start = ContinuousClock.now
        let broker = stack.broker
        let simulator = stack.simulator
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Workers that die on their own are noticed while the schedule runs, not only at its end.
                while !Task.isCancelled, start.duration(to: .now) < plan.duration {
                    await fleet.checkExits()
                    try? await Task.sleep(for: .milliseconds(250))
                }
            }
            for timed in schedule.actions {
                try? await Task.sleep(until: start.advanced(by: timed.at), clock: .continuous)
                if Task.isCancelled { break }
                if timed.action.kind != .produce {  // a batch every half second would drown the faults
                    settings.progress("+\(start.duration(to: .now).chaosSeconds.leftPadded(to: 6)) s  \(timed.action.summary)")
                }
                result.state.withLock { $0.performed[timed.action.kind, default: 0] += 1 }
                switch timed.action {
                case .produce(let first, let count):
                    let batch = Array(jobs.jobs[first..<min(first + count, jobs.jobs.count)])
                    group.addTask {
                        let outcomes = await producer.sendAll(batch.map {
                            KafkaProducerMessage(topic: "avatar.jobs", key: Array($0.jobID.utf8), value: $0.bytes)
                        })
                        result.state.withLock { performance in
                            for (job, outcome) in zip(batch, outcomes) {
                                switch outcome {
                                case .success: performance.produced.append(job)
                                case .failure(let error): performance.incidents.append("\(job.jobID) was not produced: \(error)")
                                }
                            }
                        }
                    }
                case .kill(let slot):
                    await fleet.kill(slot)
                case .terminate(let slot):
                    await fleet.terminate(slot)
                case .restart(let slot, let afterKill):
                    await fleet.start(slot, afterKill: afterKill)
                case .scale(let workers):
                    for slot in 0..<plan.workers {
                        if slot >= workers { await fleet.terminate(slot) } else { await fleet.start(slot, afterKill: false) }
                    }
                case .stallBroker(let duration):
                    group.addTask {
                        do {
                            try broker.pause()
                        } catch {
                            result.state.withLock { $0.incidents.append("the broker could not be stalled: \(error)") }
                            return
                        }
                        defer { try? broker.resume() }
                        try? await Task.sleep(for: duration)
                    }
                case .storm(let fault, let route, let count):
                    group.addTask {
                        do {
                            try await simulator?.storm(fault, route: route, count: count)
                        } catch {
                            result.state.withLock { $0.incidents.append("storm \(fault.rawValue) could not be queued: \(error)") }
                        }
                    }
                }
            }
            try? await Task.sleep(until: start.advanced(by: plan.duration), clock: .continuous)
            await group.waitForAll()
        }
        return result.state.withLock { $0 }
    }
}

/// What the timeline's child tasks record, shared between them.
private final class PerformanceLog: Sendable {
    let state = Mutex(ChaosRunner.Performance())
}

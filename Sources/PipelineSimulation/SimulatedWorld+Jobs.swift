import AvatarJobs
import AvatarWorker

/// The workload: jobs of every kind, produced over the production window, delivered to whoever owns their partition.
extension SimulatedWorld {
    func makeJobs() {
        for index in 0..<scenario.jobs {
            let id = "job-\(scenario.seed)-\(index)"
            let partition = Int32(Int(random.next() % UInt64(scenario.partitions)))
            let roll = uniform(0...1)
            let kind: SimulatedJob.Kind
            let intake: PipelineCore.Intake
            if roll < scenario.unreadableFraction {
                let withID = chance(0.5)
                kind = withID ? .unreadableWithID : .unreadable
                intake = .unreadable(code: "job.not_json", reason: "the message is not JSON", jobID: withID ? id : nil)
            } else if roll < scenario.unreadableFraction + scenario.invalidFraction {
                kind = .invalid
                intake = .invalid(JobValidationFailure(jobID: id, errors: [JobValidationError(
                    code: .init(rawValue: "image.too_small"), field: "$.image", message: "too small")]))
            } else {
                kind = .valid
                let mode: AvatarJobs.AvatarMode = chance(0.3) ? .pro : .std
                let job = AvatarJob(
                    jobID: id, image: .url("https://cdn.example/\(index).png"), audio: .audioID("tts-\(index)"),
                    prompt: "nods", mode: mode, deadlineSeconds: 7200, metadata: ["n": .integer(Int64(index))])
                intake = .valid(ValidatedJob(job: job, imageInfo: nil, audioInfo: nil, deadlineSeconds: 7200, notes: []))
            }
            let mode: AvatarJobs.AvatarMode
            if case .valid(let validated) = intake { mode = validated.job.mode } else { mode = .std }
            jobs.append(SimulatedJob(
                id: id, kind: kind, partition: partition, intake: intake,
                poison: kind == .valid && chance(scenario.poisonFraction), mode: mode))
            jobIndexByID[id] = index
            if case .valid(let validated) = intake {
                jobIndexByExternalID[validated.externalTaskID(attempt: 1)] = index
            }
            schedule(.produce(index), at: uniform(0...scenario.productionSeconds))
        }
    }

    func produce(_ index: Int) {
        let partition = Int(jobs[index].partition)
        jobs[index].offset = Int64(jobsLog[partition].count)
        jobsLog[partition].append(index)
        note(jobs[index].id, "produced to partition \(partition) at offset \(jobs[index].offset)")
        if let owner = coordinator.owner[Int32(partition)], let slot = coordinator.members[owner] {
            scheduleDelivery(slot, Int32(partition))
        }
    }

    /// Schedules the next delivery of `partition` to `slot`'s consumer, unless one is scheduled already.
    func scheduleDelivery(_ slot: Int, _ partition: Int32) {
        guard workers[slot].running, workers[slot].assigned[partition] != nil, !workers[slot].paused.contains(partition),
              !workers[slot].deliveryScheduled.contains(partition),
              (workers[slot].position[partition] ?? 0) < Int64(jobsLog[Int(partition)].count)
        else { return }
        workers[slot].deliveryScheduled.insert(partition)
        schedule(.deliver(slot: slot, incarnation: workers[slot].incarnation, partition: partition),
                 at: kafkaTime(uniform(0.001...0.004)))
    }

    func deliver(_ slot: Int, _ incarnation: Int, _ partition: Int32) {
        guard workers[slot].incarnation == incarnation else { return }
        workers[slot].deliveryScheduled.remove(partition)
        guard workers[slot].running, let kafkaEpoch = workers[slot].assigned[partition],
              !workers[slot].paused.contains(partition)
        else { return }
        let position = workers[slot].position[partition] ?? 0
        guard position < Int64(jobsLog[Int(partition)].count) else { return }
        let index = jobsLog[Int(partition)][Int(position)]
        workers[slot].position[partition] = position + 1
        let job = jobs[index]
        note(job.id, "delivered to \(workers[slot].name) (offset \(position))")
        feed(slot, incarnation, .consumed(PipelineCore.ConsumedMessage(
            partition: partition, offset: position, kafkaEpoch: kafkaEpoch, traceparent: nil, intake: job.intake,
            raw: PipelineCore.RawMessage(topic: "avatar.jobs", key: Array(job.id.utf8), value: nil))))
        scheduleDelivery(slot, partition)
    }
}

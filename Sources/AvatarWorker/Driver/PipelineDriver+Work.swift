import AvatarJobs
import CometAPI
import Foundation
import Kafka

/// The I/O commands: each runs in its own child task of the run loop and answers with one event.
extension PipelineDriver {
    func perform(_ command: PipelineCore.Command) async {
        switch command {
        case .readLedger(let id, let partition, let from):
            send(.ledgerRead(id: id, await readLedger(partition: partition, from: from)))
        case .scanLedger(let id, let partition, let from):
            send(.ledgerScanned(id: id, await scanLedger(partition: partition, from: from)))
        case .commitCheckpoint(let id, let partition, let offset):
            send(.checkpointCommitted(id: id, succeeded: await commitCheckpoint(partition: partition, offset: offset)))
        case .writeLedger(let id, let write):
            send(.ledgerWritten(id: id, succeeded: await writeLedger(write)))
        case .create(let id, let call):
            send(.createAnswered(id: id, await create(call)))
        case .reconcile(let id, let externalTaskID):
            send(.reconciled(id: id, await reconcile(externalTaskID: externalTaskID)))
        case .query(let id, let taskID):
            send(.polled(id: id, await query(taskID: taskID)))
        case .publish(let id, let records):
            let succeeded = await publish(records)
            if succeeded, records.contains(where: \.isTerminalResult) { failpoints.reached(.afterResult) }
            send(.published(id: id, succeeded: succeeded))
        case .commit(let id, _):
            send(.committed(id: id, succeeded: await commit()))
        case .transaction(let id, let records, let offsets):
            let succeeded = await transaction(records, offsets: offsets)
            if succeeded, records.contains(where: \.isTerminalResult) { failpoints.reached(.afterResult) }
            send(.transactionEnded(id: id, succeeded: succeeded))
        case .pause, .resume, .storeOffset, .finishRevocation, .drained, .log, .observe:
            return
        }
    }

    // MARK: Kafka

    /// Reads ledger partition `partition` from `from` (nil: from the group's restore checkpoint) to its end,
    /// folded as compaction would and, for the checkpoint, as offsets; then the group's committed offset of the jobs
    /// partition (read after the ledger).
    private func readLedger(partition: Int32, from: Int64?) async -> PipelineCore.LedgerReadResult {
        do {
            var start: Int64
            if let from { start = from } else { start = try await restoreCheckpoint(of: partition) }
            while true {
                let reader = try KafkaPartitionReader(configuration: readerConfiguration, logger: logger)
                defer { reader.closeDetached() }  // not on this event loop (see closeDetached)
                var fold = LedgerValueFold()
                var ledger = LedgerLiveOffsets(startingAt: start)
                var wentBack = false
                let end = try await reader.read(topic: configuration.tasksTopic, partition: partition, from: start) { batch in
                    for message in batch {
                        if message.offset < start { wentBack = true }
                        guard !wentBack, let jobID = message.keyText else { continue }
                        // Every value is live for the checkpoint until its key has a later record, readable or not.
                        ledger.apply(.undecoded(offset: message.offset, jobID: jobID, isTombstone: message.value == nil))
                        fold.apply(offset: message.offset, jobID: jobID, bytes: message.value)
                    }
                }
                if start > 0, wentBack || end < start {
                    // The partition holds less than the checkpoint says (the topic made again, a truncated log): the
                    // reader started over at its beginning. Only a read from offset 0 is safe then.
                    logger.warning("ledger partition is shorter than its restore checkpoint; reading it from the beginning", metadata: [
                        "partition": "\(partition)", "checkpoint": "\(start)", "end": "\(end)",
                    ])
                    start = 0
                    continue
                }
                // Only what survived the fold is decoded; an unreadable record is left out of the restore, as before.
                var index = TaskLedgerIndex<AvatarTaskRecord>()
                let live = fold.decodeLive(AvatarTaskRecord.decode) { offset, _, error in
                    logger.warning("unreadable ledger record skipped", metadata: [
                        "partition": "\(partition)", "offset": "\(offset)", "error": "\(error)",
                    ])
                }
                for entry in live { index.apply(offset: entry.offset, jobID: entry.jobID, record: TaskLedgerRecord(entry.payload)) }
                ledger.advance(to: end)
                let jobsPartition = KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition)
                let committed = try await consumer.committedOffsets(for: [jobsPartition])[jobsPartition]
                return .read(index, committedOffset: committed.flatMap { $0 >= 0 ? $0 : nil }, ledger: ledger)
            }
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    /// The group's committed offset of ledger partition `partition` (its restore checkpoint), or 0 when none. A
    /// checkpoint below what retention kept is harmless (the reader starts at the partition's first offset); one
    /// above the partition's end shows as a read that started over, and the restore reads from 0 (Kafka also drops a
    /// group's offsets of a deleted topic, so a topic made again usually starts clean). The broker's high watermark
    /// is not consulted: some Kafka-compatible brokers (Tansu 0.6) under-report it.
    private func restoreCheckpoint(of partition: Int32) async throws -> Int64 {
        let tasksPartition = KafkaTopicPartition(topic: configuration.tasksTopic, partition: partition)
        return max(0, try await consumer.committedOffsets(for: [tasksPartition])[tasksPartition] ?? 0)
    }

    /// Reads ledger partition `partition` from `from` to its end as marks (offset, key, state) for the checkpoint.
    private func scanLedger(partition: Int32, from: Int64) async -> PipelineCore.LedgerScanResult {
        do {
            let reader = try KafkaPartitionReader(configuration: readerConfiguration, logger: logger)
            defer { reader.closeDetached() }
            var marks: [LedgerMark] = []
            // A scan only moves the checkpoint, for which a keyed value is live whatever it says, until a later record
            // of its key: so values are not decoded here (the restore decodes them). Decoding every record the worker
            // had written since the last scan was 4 % of its CPU in `bench throughput` (perf).
            let end = try await reader.read(topic: configuration.tasksTopic, partition: partition, from: from) { batch in
                for message in batch {
                    guard let jobID = message.keyText else { continue }
                    marks.append(.undecoded(offset: message.offset, jobID: jobID, isTombstone: message.value == nil))
                }
            }
            // The reader's own end, even below `from`: the core must see offsets that went back.
            return .scanned(marks, end: end)
        } catch {
            return .failed(reason: "\(error)")
        }
    }

    /// Commits `offset` as the group's offset of ledger partition `partition`: its restore checkpoint.
    private func commitCheckpoint(partition: Int32, offset: Int64) async -> Bool {
        do {
            try await consumer.commit([KafkaTopicPartition(topic: configuration.tasksTopic, partition: partition): offset])
            return true
        } catch {
            logger.warning("restore checkpoint commit failed", metadata: ["partition": "\(partition)", "error": "\(error)"])
            return false
        }
    }

    private func writeLedger(_ write: PipelineCore.LedgerWrite) async -> Bool {
        do {
            let message = try write.record.map { try messages.ledger($0, jobID: write.jobID, partition: write.partition) }
                ?? messages.tombstone(jobID: write.jobID, partition: write.partition)
            _ = try await ledgerProducer.send(message)
        } catch {
            return false
        }
        if write.record?.state == .submitting { failpoints.reached(.afterSubmitting) }
        return true
    }

    private func publish(_ records: [PipelineCore.OutgoingRecord]) async -> Bool {
        let built: [KafkaProducerMessage]
        do {
            built = try records.map(messages.message(for:))
        } catch {
            logger.error("a publication could not be encoded", metadata: ["error": "\(error)"])
            return false
        }
        let outcomes = await resultProducer.sendAll(built)
        if let failure = outcomes.lazy.compactMap(\.failure).first {
            logger.warning("publication failed; it is sent again", metadata: ["error": "\(failure)"])
            return false
        }
        return true
    }

    /// Commits the stored offsets (the core stored every offset it asks to commit before asking).
    private func commit() async -> Bool {
        do {
            try await consumer.commit()
            return true
        } catch {
            logger.warning("offset commit failed", metadata: ["error": "\(error)"])
            return false
        }
    }

    /// Exactly-once mode: the records and the offsets in one transaction.
    private func transaction(_ records: [PipelineCore.OutgoingRecord], offsets: [Int32: Int64]) async -> Bool {
        do {
            try resultProducer.beginTransaction()
            let outcomes = await resultProducer.sendAll(try records.map(messages.message(for:)))
            if let failure = outcomes.lazy.compactMap(\.failure).first { throw failure }
            if !offsets.isEmpty {
                var committing: [KafkaTopicPartition: Int64] = [:]
                for (partition, offset) in offsets {
                    committing[KafkaTopicPartition(topic: configuration.jobsTopic, partition: partition)] = offset
                }
                try await resultProducer.sendOffsetsToTransaction(committing, groupMetadata: try consumer.groupMetadata())
            }
            try await resultProducer.commitTransaction()
            return true
        } catch {
            logger.warning("transaction failed; aborting it", metadata: ["error": "\(error)"])
            do {
                try await resultProducer.abortTransaction()
            } catch {
                logger.error("transaction abort failed", metadata: ["error": "\(error)"])
            }
            return false
        }
    }

    // MARK: CometAPI

    private func create(_ call: PipelineCore.CreateCall) async -> PipelineCore.CreateAnswer {
        let job = call.job.job
        let request = AvatarTaskRequest(
            image: job.image.apiValue, speech: Self.speech(of: job.audio), prompt: job.prompt ?? "",
            mode: job.mode == .pro ? .professional : .standard, watermark: job.watermark,
            callbackURL: job.callbackURL, externalTaskID: call.externalTaskID)
        if let receivedAt = call.receivedAt {
            metrics.stageFinished(.intakeToCreate, duration: receivedAt.duration(to: clock.now))
        }
        do {
            let created = try await client.createAvatarTask(request)
            failpoints.reached(.afterCreate)
            return .created(taskID: created.taskID)
        } catch {
            metrics.apiError(error)
            return .failed(Self.createFailure(error, now: clock.now.date), api: Self.details(of: error))
        }
    }

    private func reconcile(externalTaskID: String) async -> JobLifecycle.Reconciliation {
        guard client.configuration.supportsQueryByExternalTaskID else { return .unsupported }
        do {
            let task = try await client.queryAvatarTask(externalTaskID: externalTaskID)
            return .found(taskID: task.taskID)
        } catch {
            metrics.apiError(error)
            if error.httpStatus == 404 || error.businessCode == 1203 { return .notFound }
            if error.kind == .permanent { return .unsupported }
            return .failedTransiently(retryAfter: error.retryAfter?.delay(from: clock.now.date))
        }
    }

    private func query(taskID: String) async -> PipelineCore.PollAnswer {
        do {
            let task = try await client.queryAvatarTask(taskID: taskID)
            let report = Self.report(for: task, now: clock.now.date)
            if report == .running { failpoints.reached(.whilePolling) }
            return PipelineCore.PollAnswer(report: report, processing: task.status == .processing)
        } catch {
            metrics.apiError(error)
            if error.kind == .permanent {
                return PipelineCore.PollAnswer(
                    report: .failed(TaskFailure(code: "api.permanent", message: error.description)),
                    apiFailure: Self.details(of: error))
            }
            return PipelineCore.PollAnswer(report: .transientError(retryAfter: error.retryAfter?.delay(from: clock.now.date)))
        }
    }

    /// The API's speech field for the job's audio.
    static func speech(of audio: AudioInput) -> AvatarSpeech {
        switch audio {
        case .audioID(let id): .audioID(id)
        case .soundFile(let media): .soundFile(media.apiValue)
        }
    }

    /// The lifecycle's view of a create error.
    static func createFailure(_ error: CometAPIError, now: Date) -> JobLifecycle.CreateFailure {
        let retryAfter = error.retryAfter?.delay(from: now)
        switch error.kind {
        case .permanent:
            return .permanent(TaskFailure(code: "api.permanent", message: error.description))
        case .throttled:
            return .throttled(retryAfter: retryAfter, concurrencyLimit: error.businessCode == 1303)
        case .account:
            return .account(TaskFailure(code: "api.account", message: error.description))
        case .transient:
            return .transient(retryAfter: retryAfter)
        case .ambiguous:
            return .ambiguous(reason: error.message)
        }
    }

    /// The result event's `error.api` for an API error.
    static func details(of error: CometAPIError) -> ResultError.APIDetails {
        ResultError.APIDetails(
            httpStatus: error.httpStatus, code: error.businessCode, message: error.message, requestID: error.requestID)
    }

    /// The lifecycle's view of a queried task.
    static func report(for task: AvatarTask, now: Date) -> JobLifecycle.PollReport {
        switch task.status {
        case .submitted, .processing:
            return .running
        case .failed:
            return .failed(TaskFailure(code: "task.failed", message: task.statusMessage ?? "the task ended failed"))
        case .succeeded:
            guard !task.videos.isEmpty else {
                return .failed(TaskFailure(code: "task.no_video", message: "the task succeeded without a video URL"))
            }
            let videos = task.videos.map {
                AvatarResultEvent.Video(
                    id: $0.id ?? task.taskID, url: $0.url, watermarkURL: $0.watermarkURL, durationSeconds: $0.durationSeconds)
            }
            let usage = AvatarResultEvent.Usage(
                unitDeduction: task.finalUnitDeduction, balanceQuota: task.finalBalanceDeduction?.quota,
                balanceListPrice: task.finalBalanceDeduction?.listPrice, videoSeconds: task.videos.first?.durationSeconds)
            return .succeeded(PollSuccess(videos: videos, usage: usage, completedAt: task.updatedAt ?? now))
        }
    }
}

extension PipelineCore.OutgoingRecord {
    /// Whether this is a terminal result event (for the `after-result` failpoint).
    var isTerminalResult: Bool {
        if case .result(let event, _) = self { return event.type.isTerminal }
        return false
    }
}

extension Result {
    /// The failure, or nil on success.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}

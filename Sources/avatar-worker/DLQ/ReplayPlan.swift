import AvatarJobs

/// What `dlq replay` decides for each selected dead letter, from the dead letters, the replay log and the
/// corrections alone (no I/O), so the rules are tested as a table.
///
/// A dead letter already `replayed` is left alone. One with a correction (a valid job whose `job_id` is the dead
/// letter's key, or the id recovered from its bytes when it has no key) is replayed corrected. Without one, it is
/// replayed unchanged only when asked to and its error code names a cause outside the message (a worker limit that
/// can be raised); a message that is itself broken would only fail again.
struct ReplayPlan: Sendable {
    /// The decision for one dead letter.
    enum Decision: Sendable, Hashable {
        /// Produce `bytes` keyed by `jobID` (or the original key); `corrected` when from the corrections file.
        case replay(bytes: [UInt8], key: String?, corrected: Bool)
        /// Already replayed, as this log entry says.
        case alreadyReplayed(ReplayLogRecord)
        /// Not replayed: why, and what would let it be.
        case skip(String)
        /// Its correction is not a valid job: the errors.
        case refused([JobValidationError])
    }

    /// Error codes whose cause lies outside the message: the same bytes may succeed once the workers changed.
    static let transientCodes: Set<String> = [JobValidationError.Code.messageTooLarge.rawValue]

    /// One entry per selected dead letter, in order.
    let entries: [(letter: DeadLetter, decision: Decision)]
    /// Corrections that match no selected dead letter (their job ids).
    let unmatchedCorrections: [String]

    /// Decides for `letters`, given the replay log's latest entry per position, the corrections by job id (a valid
    /// job's bytes, or its validation errors) and whether unchanged replays were asked for.
    init(
        letters: [DeadLetter], log: [String: ReplayLogRecord],
        corrections: [String: Result<[UInt8], JobValidationFailure>], unchanged: Bool
    ) {
        var used: Set<String> = []
        entries = letters.map { letter in
            let jobID = letter.key ?? letter.record.value.flatMap(JobIDRecovery.recover(from:))
            if let entry = log[letter.position], entry.state == .replayed {
                if let jobID { used.insert(jobID) }
                return (letter, .alreadyReplayed(entry))
            }
            if let jobID, let correction = corrections[jobID] {
                used.insert(jobID)
                switch correction {
                case .success(let bytes): return (letter, .replay(bytes: bytes, key: jobID, corrected: true))
                case .failure(let failure): return (letter, .refused(failure.errors))
                }
            }
            guard let value = letter.record.value, !value.isEmpty else {
                return (letter, .skip("an empty message (a tombstone): there is nothing to replay"))
            }
            let code = letter.errorCode ?? "unknown"
            guard Self.transientCodes.contains(code) else {
                return (letter, .skip("\(code) is about the message itself: give a corrected message in --corrections"
                    + (jobID.map { " with job_id \($0)" } ?? "")))
            }
            guard unchanged else {
                return (letter, .skip("\(code) may pass unchanged once the workers allow it: pass --unchanged to replay it as it is"))
            }
            return (letter, .replay(bytes: value, key: letter.key, corrected: false))
        }
        unmatchedCorrections = corrections.keys.filter { !used.contains($0) }.sorted()
    }
}

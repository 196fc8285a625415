/// One bounded read of a partition, so output can say exactly what was looked at — and what was not — when a job is
/// not found or a scan hit its limit.
struct ScannedRange: Sendable, Hashable, CustomStringConvertible {
    /// The topic.
    let topic: String
    /// The partition.
    let partition: Int32
    /// The first offset read.
    let from: Int64
    /// The offset after the last one read.
    let to: Int64
    /// Records older than `from` that the scan could have looked at were left unread (its limit).
    var skippedOlder = false
    /// Records at or after `to` were left unread (its limit).
    var skippedNewer = false

    /// `topic[p] offsets a–b`, and what the limit left unread.
    var description: String {
        var text = "\(topic)[\(partition)] offsets \(from)–\(to)"
        if skippedOlder { text += " (older records not read: raise --scan-limit)" }
        if skippedNewer { text += " (newer records not read: raise --scan-limit)" }
        return text
    }

    /// The range as a JSON object.
    var json: [String: Any] {
        ["topic": topic, "partition": Int(partition), "from": Int(from), "to": Int(to),
         "skipped_older": skippedOlder, "skipped_newer": skippedNewer]
    }
}

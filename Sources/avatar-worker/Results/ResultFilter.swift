import AvatarJobs

/// Which result events `results` prints: by job id, by type and by error code (exact, or a prefix ending in `*`
/// such as `api.*`). An empty criterion matches everything; given criteria must all match.
struct ResultFilter: Sendable, Hashable {
    /// Job ids to keep.
    var jobIDs: Set<String> = []
    /// Event types to keep.
    var types: Set<AvatarResultEvent.EventType> = []
    /// Error codes or `prefix*` patterns to keep (implies failed events).
    var errorCodes: [String] = []

    /// Whether nothing is filtered.
    var isEmpty: Bool { jobIDs.isEmpty && types.isEmpty && errorCodes.isEmpty }

    /// Whether `event` passes.
    func matches(_ event: AvatarResultEvent) -> Bool {
        if !jobIDs.isEmpty, !jobIDs.contains(event.jobID) { return false }
        if !types.isEmpty, !types.contains(event.type) { return false }
        if !errorCodes.isEmpty {
            guard let code = event.error?.code else { return false }
            return errorCodes.contains { pattern in
                pattern.hasSuffix("*") ? code.hasPrefix(pattern.dropLast()) : code == pattern
            }
        }
        return true
    }
}

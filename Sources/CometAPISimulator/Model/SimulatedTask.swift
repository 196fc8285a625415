import Foundation

/// One avatar task inside the simulator: its timeline is fixed at creation, so its status at any moment is a pure
/// function of the time (submitted → processing → succeed | failed).
struct SimulatedTask: Sendable {
    /// The wire status words of the legacy Kling dialect.
    enum Status: String, Sendable, CaseIterable, Codable {
        case submitted, processing, succeed, failed
    }

    /// How the task ends.
    enum Outcome: Sendable, Equatable {
        case succeed(videoSeconds: Double)
        case failed(message: String)
    }

    let taskID: String
    let externalTaskID: String?
    let mode: String
    let callbackURL: String?
    let createdAt: Date
    let processingAt: Date
    let endsAt: Date
    let outcome: Outcome
    /// The last status announced by callback (nil before the first).
    var announcedStatus: Status?

    /// The status at `now`.
    func status(at now: Date) -> Status {
        if now >= endsAt {
            if case .succeed = outcome { return .succeed }
            return .failed
        }
        return now >= processingAt ? .processing : .submitted
    }

    /// Each status of the task's life in order, with the moment it began.
    var phases: [(status: Status, since: Date)] {
        let terminal: Status = if case .succeed = outcome { .succeed } else { .failed }
        return [(.submitted, createdAt), (.processing, processingAt), (terminal, endsAt)]
    }

    /// When the status last changed, as of `now` (the `updated_at` the API reports).
    func updatedAt(at now: Date) -> Date {
        switch status(at: now) {
        case .submitted: createdAt
        case .processing: processingAt
        case .succeed, .failed: endsAt
        }
    }
}

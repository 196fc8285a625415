import AvatarJobs

/// Where each job `submit --wait` produced stands: result events and download outcomes in, the phase and elapsed time
/// of every job out, and the downloads to start as actions. It does no I/O and reads no clock (every input carries
/// its instant), so the rules are tested without Kafka, HTTP or time passing.
///
/// The rules: events of other jobs and repeated `event_id`s are ignored; progress never moves a job backwards nor
/// past its end; the first terminal event ends the job (a later one with a new id is a worker bug, ignored here); a
/// succeeded job with downloads enabled is complete once its download settled.
struct WaitBoard: Sendable {
    /// A job's phase as shown to the user.
    enum Phase: String, Sendable, Hashable {
        /// Produced; no worker has reported on it yet (or the workers publish no progress events).
        case queued
        /// The API accepted the task.
        case submitted
        /// The API reports the task running.
        case processing
        /// The video is ready.
        case done
        /// The job failed.
        case failed

        /// Whether the job has ended.
        var isTerminal: Bool {
            switch self {
            case .queued, .submitted, .processing: false
            case .done, .failed: true
            }
        }

        /// Order of progress, so a late `submitted` never overrides `processing`.
        var rank: Int {
            switch self {
            case .queued: 0
            case .submitted: 1
            case .processing: 2
            case .done, .failed: 3
            }
        }
    }

    /// How a job's video download stands.
    enum Download: Sendable, Hashable {
        /// Downloads are off, or the job did not succeed.
        case none
        /// Started, not finished.
        case running
        /// Saved at these paths.
        case saved([String])
        /// Could not be saved: why.
        case failed(String)
    }

    /// One job.
    struct Job: Sendable {
        /// Its id.
        let jobID: String
        /// When it was acknowledged by Kafka: elapsed time counts from here.
        let producedAt: ContinuousClock.Instant
        /// Its phase.
        var phase: Phase = .queued
        /// The task id once known.
        var taskID: String?
        /// When it ended.
        var endedAt: ContinuousClock.Instant?
        /// Its terminal event.
        var terminal: AvatarResultEvent?
        /// Its download.
        var download: Download = .none

        /// Whether nothing more will happen to it.
        var isSettled: Bool { phase.isTerminal && download != .running }

        /// Time from production to its end, or to `now` while it runs.
        func elapsed(at now: ContinuousClock.Instant) -> Duration { (endedAt ?? now) - producedAt }
    }

    /// What the driver must do after an input.
    enum Action: Sendable, Hashable {
        /// Download the videos of a succeeded job.
        case download(jobID: String, urls: [String])
    }

    /// The jobs, in submission order.
    private(set) var jobs: [Job]
    private var index: [String: Int] = [:]
    private var seenEvents: Set<String> = []
    private let downloads: Bool

    /// A board for `produced` jobs (id and acknowledgement instant); `downloads` when `--download` was given.
    init(produced: [(jobID: String, at: ContinuousClock.Instant)], downloads: Bool) {
        jobs = produced.map { Job(jobID: $0.jobID, producedAt: $0.at) }
        for (position, job) in jobs.enumerated() { index[job.jobID] = position }
        self.downloads = downloads
    }

    /// The ids of the jobs followed.
    var jobIDs: Set<String> { Set(index.keys) }

    /// True once every job ended and every download settled.
    var isComplete: Bool { jobs.allSatisfy(\.isSettled) }

    /// The jobs still running (not ended), in submission order.
    var unfinishedJobIDs: [String] { jobs.filter { !$0.phase.isTerminal }.map(\.jobID) }

    /// 0 when every job succeeded (and every download was saved), 1 otherwise.
    var exitStatus: Int32 {
        jobs.allSatisfy { job in
            guard job.phase == .done else { return false }
            if case .failed = job.download { return false }
            return true
        } ? 0 : 1
    }

    /// Applies a result event received at `now`; returns whether anything changed and what to do.
    mutating func apply(_ event: AvatarResultEvent, at now: ContinuousClock.Instant) -> (changed: Bool, actions: [Action]) {
        guard let position = index[event.jobID], seenEvents.insert(event.eventID).inserted else { return (false, []) }
        var job = jobs[position]
        guard !job.phase.isTerminal else { return (false, []) }
        let phase: Phase = switch event.type {
        case .submitted: .submitted
        case .processing: .processing
        case .succeeded: .done
        case .failed: .failed
        }
        guard phase.rank > job.phase.rank || (phase.isTerminal && !job.phase.isTerminal) else { return (false, []) }
        job.phase = phase
        job.taskID = event.taskID ?? job.taskID
        var actions: [Action] = []
        if phase.isTerminal {
            job.endedAt = now
            job.terminal = event
            let urls = (event.videos ?? []).map(\.url)
            if phase == .done, downloads, !urls.isEmpty {
                job.download = .running
                actions.append(.download(jobID: job.jobID, urls: urls))
            }
        }
        jobs[position] = job
        return (true, actions)
    }

    /// Records how `jobID`'s download ended.
    mutating func downloadFinished(jobID: String, _ outcome: Download) {
        guard let position = index[jobID] else { return }
        jobs[position].download = outcome
    }

    /// One line per job for a person: id, phase, elapsed time and what matters in this phase.
    func lines(at now: ContinuousClock.Instant) -> [String] {
        let width = jobs.map(\.jobID.count).max() ?? 0
        return jobs.map { job in
            let seconds = job.elapsed(at: now).components.seconds
            let elapsed = seconds >= 60 ? "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s" : "\(seconds)s"
            let name = job.jobID.padding(toLength: width, withPad: " ", startingAt: 0)
            let phase = job.phase.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
            return "\(symbol(job)) \(name)  \(phase) \(elapsed.padding(toLength: 7, withPad: " ", startingAt: 0)) \(detail(job))"
        }
    }

    /// One line with the counts per phase.
    func summary() -> String {
        let done = jobs.filter { $0.phase == .done }.count
        let failed = jobs.filter { $0.phase == .failed }.count
        let running = jobs.count - done - failed
        var parts = ["\(done) succeeded", "\(failed) failed"]
        if running > 0 { parts.append("\(running) still running") }
        let downloadFailures = jobs.filter { if case .failed = $0.download { true } else { false } }.count
        if downloadFailures > 0 { parts.append("\(downloadFailures) download(s) failed") }
        return parts.joined(separator: ", ")
    }

    private func symbol(_ job: Job) -> String {
        switch job.phase {
        case .queued: "·"
        case .submitted, .processing: "…"
        case .done: if case .failed = job.download { "!" } else { "✔" }
        case .failed: "✘"
        }
    }

    private func detail(_ job: Job) -> String {
        switch job.phase {
        case .queued: return "waiting for a worker"
        case .submitted, .processing: return job.taskID.map { "task \($0)" } ?? ""
        case .failed:
            guard let error = job.terminal?.error else { return "" }
            return "\(error.code): \(error.message)"
        case .done:
            switch job.download {
            case .none: return job.terminal?.videos?.first?.url ?? ""
            case .running: return "downloading \(job.terminal?.videos?.first?.url ?? "")"
            case .saved(let paths): return "saved \(paths.joined(separator: ", "))"
            case .failed(let reason): return "download failed: \(reason)"
            }
        }
    }
}

import Foundation
import Synchronization

/// Spawns child processes from one thread that lives as long as the whole process.
///
/// Linux delivers `PR_SET_PDEATHSIG` (set by `setpriv --pdeathsig KILL` in the child) when the thread that spawned the
/// child exits, not when the process does. Spawning from a cooperative-pool or other short-lived thread could kill a
/// broker as soon as that thread is retired; spawning from this permanent thread ties the child's life to the process,
/// including a crash or `kill -9` of it.
final class ChildProcessLauncher: Sendable {
    /// What to start: absolute executable path, arguments (without argv[0]), the file receiving stdout, the file
    /// receiving stderr (nil: the stdout file), and the environment (nil: this process's).
    struct Request: Sendable {
        var executable: String
        var arguments: [String]
        var outputPath: String
        var errorPath: String? = nil
        var environment: [String: String]? = nil
    }

    private struct Job: Sendable {
        var request: Request
        var continuation: CheckedContinuation<Result<pid_t, EmbeddedBrokerError>, Never>
    }

    /// The process-wide launcher (its thread starts on first use).
    static let shared = ChildProcessLauncher()

    private let jobs = Mutex<[Job]>([])
    private let ready = DispatchSemaphore(value: 0)

    private init() {
        let thread = Thread { [self] in
            while true {
                ready.wait()
                let pending = jobs.withLock { jobs in
                    defer { jobs = [] }
                    return jobs
                }
                for job in pending { job.continuation.resume(returning: Self.spawn(job.request)) }
            }
        }
        thread.name = "child-process-launcher"
        thread.start()
    }

    /// Starts `request` from the launcher thread and returns the child's pid.
    func launch(_ request: Request) async throws(EmbeddedBrokerError) -> pid_t {
        let result = await withCheckedContinuation { continuation in
            jobs.withLock { $0.append(Job(request: request, continuation: continuation)) }
            ready.signal()
        }
        return try result.get()
    }

    private static func spawn(_ request: Request) -> Result<pid_t, EmbeddedBrokerError> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, request.outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        if let errorPath = request.errorPath {
            posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        } else {
            posix_spawn_file_actions_adddup2(&actions, 1, 2)
        }
        let argv = ([request.executable] + request.arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        let environment = request.environment.map { $0.sorted { $0.key < $1.key }.map { strdup("\($0.key)=\($0.value)") } + [nil] }
        defer { for pointer in environment ?? [] { free(pointer) } }
        var pid: pid_t = 0
        let status = if let environment {
            posix_spawn(&pid, request.executable, &actions, nil, argv, environment)
        } else {
            posix_spawn(&pid, request.executable, &actions, nil, argv, environ)
        }
        guard status == 0 else {
            return .failure(.spawnFailed(executable: request.executable, reason: String(cString: strerror(status))))
        }
        return .success(pid)
    }
}

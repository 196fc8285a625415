import Foundation
import Logging
import Synchronization

/// A throw-away Kafka-compatible broker (Tansu, in-memory storage) on a free 127.0.0.1 port, for tests, development
/// and the demo. Nothing in the Kafka module depends on it; production points at a real cluster.
///
/// The broker is started through `setpriv --pdeathsig KILL`, from a thread that lives as long as this process, so it
/// dies with the process even when the process crashes or is killed. Stop it with ``stop(grace:)`` (SIGTERM, then
/// SIGKILL); ``pause()`` and ``resume()`` freeze and thaw it (SIGSTOP/SIGCONT) to simulate a stalled broker.
public final class EmbeddedBroker: Sendable {
    /// `127.0.0.1:port`, for `bootstrap.servers`.
    public let bootstrapServers: String
    /// The listening port.
    public let port: Int
    /// The broker's process id (that of `setpriv`, which became the broker by `exec`).
    public let pid: Int32
    /// Where the broker's stdout and stderr go.
    public let logPath: String
    /// The cluster id this broker was started with (unique to it).
    public let clusterID: String
    private let stopped = Mutex(false)

    private init(port: Int, pid: Int32, logPath: String, clusterID: String) {
        self.port = port
        self.pid = pid
        self.logPath = logPath
        self.clusterID = clusterID
        self.bootstrapServers = "127.0.0.1:\(port)"
    }

    /// Finds Tansu (see ``locateTansu(explicitPath:)``), starts it on a free port and waits until it answers a
    /// metadata request. A port lost to a race is retried with another one.
    public static func start(
        tansuPath: String? = nil, startTimeout: Duration = .seconds(20),
        logger: Logger = Logger(label: "kafka.embedded-broker")
    ) async throws -> EmbeddedBroker {
        let tansu = try locateTansu(explicitPath: tansuPath)
        var lastError: EmbeddedBrokerError?
        for _ in 0..<3 {
            let port = try FreePort.pick()
            let logPath = NSTemporaryDirectory() + "tansu-\(port)-\(UUID().uuidString.prefix(8)).log"
            let url = "tcp://127.0.0.1:\(port)"
            // A cluster id of its own: the readiness probe checks it, so an answer from another broker that took the
            // port first (this one then fails to bind) is never taken for this one's.
            let clusterID = "embedded-\(UUID().uuidString.prefix(13).lowercased())"
            let brokerArguments = [
                "broker", "--listener-url", url, "--advertised-listener-url", url, "--storage-engine", "memory://tansu/",
                "--cluster-id", clusterID,
            ]
            let request: ChildProcessLauncher.Request
            if let setpriv = searchPath(for: "setpriv") {
                request = .init(executable: setpriv, arguments: ["--pdeathsig", "KILL", "--", tansu] + brokerArguments, outputPath: logPath)
            } else {
                logger.warning("setpriv (util-linux) not found: the broker will not die with this process if it crashes")
                request = .init(executable: tansu, arguments: brokerArguments, outputPath: logPath)
            }
            let pid = try await ChildProcessLauncher.shared.launch(request)
            let broker = EmbeddedBroker(port: port, pid: pid, logPath: logPath, clusterID: clusterID)
            logger.info("embedded broker starting", metadata: ["pid": "\(pid)", "bootstrap": "\(broker.bootstrapServers)"])
            do {
                try await broker.waitUntilReady(timeout: startTimeout)
                return broker
            } catch {
                await broker.stop()
                lastError = error
                if case .notReady = error { throw error }
            }
        }
        throw lastError ?? .spawnFailed(executable: tansu, reason: "no attempt made")
    }

    deinit {
        if !stopped.withLock({ $0 }) {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// A producer configuration for this broker (idempotent, `acks=all`).
    public func producerConfiguration() -> KafkaConfiguration { .producer(bootstrapServers: bootstrapServers) }

    /// A group-consumer configuration for this broker, with `session.timeout.ms=6000` (Tansu's group join waits half
    /// the session timeout) and a 1 s heartbeat.
    public func consumerConfiguration(groupID: String) -> KafkaConfiguration {
        KafkaConfiguration.consumer(bootstrapServers: bootstrapServers, groupID: groupID)
            .merging(["session.timeout.ms": "6000", "heartbeat.interval.ms": "1000"])
    }

    /// Terminates the broker: SIGTERM, SIGKILL after `grace`, and reaps it. Idempotent.
    public func stop(grace: Duration = .seconds(3)) async {
        guard !stopped.withLock({ value in defer { value = true }; return value }) else { return }
        let pid = pid
        _ = try? await BlockingCall.run("embedded-broker-stop") { () throws(KafkaError) in
            kill(pid, SIGTERM)
            kill(pid, SIGCONT)  // a paused broker handles SIGTERM only once it runs again
            let deadline = ContinuousClock.now.advanced(by: grace)
            var status: Int32 = 0
            while waitpid(pid, &status, WNOHANG) == 0 {
                if ContinuousClock.now >= deadline {
                    kill(pid, SIGKILL)
                    waitpid(pid, &status, 0)
                    break
                }
                usleep(10_000)
            }
        }
        try? FileManager.default.removeItem(atPath: logPath)
    }

    /// Freezes the broker (SIGSTOP): connections stay open but nothing is answered, like a stalled broker.
    public func pause() throws(EmbeddedBrokerError) { try signal(SIGSTOP) }

    /// Thaws a paused broker (SIGCONT).
    public func resume() throws(EmbeddedBrokerError) { try signal(SIGCONT) }

    private func signal(_ number: Int32) throws(EmbeddedBrokerError) {
        if kill(pid, number) != 0 {
            throw .signalFailed(pid: pid, signal: number, reason: String(cString: strerror(errno)))
        }
    }

    /// The last lines of the broker's output, for error messages.
    func outputTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no output)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: "\n")
    }

    private func waitUntilReady(timeout: Duration) async throws(EmbeddedBrokerError) {
        var quiet = Logger(label: "kafka.embedded-broker.probe")
        quiet.logLevel = .critical
        let admin: KafkaAdmin
        do {
            admin = try KafkaAdmin(
                configuration: KafkaConfiguration(["bootstrap.servers": bootstrapServers, "reconnect.backoff.max.ms": "100"]),
                logger: quiet)
        } catch {
            throw .spawnFailed(executable: "admin probe", reason: "\(error)")
        }
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid {
                stopped.withLock { $0 = true }
                throw .exitedDuringStartup(status: status, output: outputTail())
            }
            // A broker that answers with no cluster id is someone else's too; only an unanswered probe is retried.
            guard let answered = try? await admin.clusterID(timeout: .milliseconds(500)) as String?? else { continue }
            if answered == clusterID { return }
            throw .portTaken(port: port, clusterID: answered ?? "none")
        }
        throw .notReady(bootstrapServers: bootstrapServers, waited: timeout, output: outputTail())
    }
}

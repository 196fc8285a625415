/// Why an ``EmbeddedBroker`` could not be found, started or controlled.
public enum EmbeddedBrokerError: Error, Hashable, Sendable, CustomStringConvertible {
    /// No Tansu binary in any of the places looked at.
    case tansuNotFound(searched: [String])
    /// The operating system refused to start the process.
    case spawnFailed(executable: String, reason: String)
    /// The broker process ended during start-up; `output` is the end of its log.
    case exitedDuringStartup(status: Int32, output: String)
    /// The broker did not answer a metadata request in time; `output` is the end of its log.
    case notReady(bootstrapServers: String, waited: Duration, output: String)
    /// Another broker (cluster `clusterID`) answered on the port picked for this one, which took it first.
    case portTaken(port: Int, clusterID: String)
    /// A signal could not be delivered (the process is gone).
    case signalFailed(pid: Int32, signal: Int32, reason: String)

    /// What happened and what to do about it.
    public var description: String {
        switch self {
        case .tansuNotFound(let searched):
            "Tansu broker binary not found (looked at: \(searched.joined(separator: ", "))). Run scripts/setup, "
                + "or set \(EmbeddedBroker.tansuEnvironmentVariable) to the binary's path."
        case .spawnFailed(let executable, let reason):
            "could not start \(executable): \(reason)"
        case .exitedDuringStartup(let status, let output):
            "the Tansu broker exited during start-up (wait status \(status)); its output ends with:\n\(output)"
        case .notReady(let servers, let waited, let output):
            "the Tansu broker at \(servers) did not answer a metadata request within \(waited); its output ends with:\n\(output)"
        case .portTaken(let port, let clusterID):
            "port \(port) was taken by another broker (cluster id \(clusterID)) before this one could listen on it"
        case .signalFailed(let pid, let signal, let reason):
            "could not send signal \(signal) to broker process \(pid): \(reason)"
        }
    }
}

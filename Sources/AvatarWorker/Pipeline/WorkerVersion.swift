/// The worker's version, as result events and ledger records report it.
public enum WorkerVersion {
    /// The version string of this build.
    public static let current = "0.1.0"
}

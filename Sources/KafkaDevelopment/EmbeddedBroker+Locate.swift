import Foundation

/// Finding the Tansu binary and other executables.
extension EmbeddedBroker {
    /// The environment variable that names the Tansu binary explicitly. Its `AVATAR_DEV_` prefix keeps it out of the
    /// worker's `AVATAR_WORKER_…` namespace, whose loader refuses every variable it does not know.
    public static let tansuEnvironmentVariable = "AVATAR_DEV_TANSU"

    /// Finds Tansu: `explicitPath`, then `$AVATAR_DEV_TANSU`, then `tools/bin/tansu` in the current directory or
    /// any parent, then the same above the running executable, then `tansu` on `PATH`.
    /// - Throws: ``EmbeddedBrokerError/tansuNotFound(searched:)`` listing every place looked at.
    public static func locateTansu(
        explicitPath: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String? = Bundle.main.executablePath
    ) throws(EmbeddedBrokerError) -> String {
        var candidates: [String] = []
        if let explicitPath { candidates.append(explicitPath) }
        if let fromEnvironment = environment[tansuEnvironmentVariable], !fromEnvironment.isEmpty {
            candidates.append(fromEnvironment)
        }
        candidates += ancestors(of: currentDirectory).map { $0 + "/tools/bin/tansu" }
        if let executablePath {
            candidates += ancestors(of: (executablePath as NSString).deletingLastPathComponent).map { $0 + "/tools/bin/tansu" }
        }
        for candidate in candidates where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        if let onPath = searchPath(for: "tansu", environment: environment) { return onPath }
        throw .tansuNotFound(searched: candidates + ["$PATH/tansu"])
    }

    /// `directory` and each of its parents up to `/`.
    static func ancestors(of directory: String) -> [String] {
        var result: [String] = []
        var current = (directory as NSString).standardizingPath
        while !current.isEmpty {
            result.append(current)
            let parent = (current as NSString).deletingLastPathComponent
            if parent == current { break }
            current = parent
        }
        return result
    }

    /// The first executable called `name` on `PATH`.
    static func searchPath(
        for name: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String? {
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}

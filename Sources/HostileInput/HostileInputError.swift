/// Why a fuzz run could not be set up (its findings are violations in the report, not errors).
public enum HostileInputError: Error, CustomStringConvertible {
    /// A one-shot `avatar-worker` command (topics create) failed: the command, how it ended, its stderr's end.
    case commandFailed(String, String, String)

    /// What failed and what the command said.
    public var description: String {
        switch self {
        case .commandFailed(let command, let exit, let stderr): "`\(command)` ended with \(exit); stderr:\n\(stderr)"
        }
    }
}

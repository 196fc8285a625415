/// Why `submit` could not even build its jobs; every case names the option or file and what to do. These end the
/// command with exit status 2 before anything is produced.
enum SubmitInputError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A local media file named by an option cannot be read.
    case unreadableFile(option: String, path: String, reason: String)
    /// A job input file (or stdin) cannot be read.
    case unreadableInput(path: String, reason: String)

    var description: String {
        switch self {
        case .unreadableFile(let option, let path, let reason): "\(option) \(path): \(reason)"
        case .unreadableInput(let path, let reason): "cannot read \(path): \(reason)"
        }
    }
}

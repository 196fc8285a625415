import Foundation

/// Reads a media file named on the command line, refusing what cannot be a job's media before reading it: a path
/// that is missing, a directory or a device, and anything beyond `maximumBytes` (only that much is read).
enum LocalMediaFile {
    /// The first `maximumBytes` bytes of the regular file at `path` (all of it when it is smaller).
    /// - Throws: ``SubmitInputError/unreadableFile(option:path:reason:)``.
    static func read(_ path: String, option: String, maximumBytes: Int) throws(SubmitInputError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw .unreadableFile(option: option, path: path, reason: "no such file (and not an http(s) URL)")
        }
        guard !isDirectory.boolValue else {
            throw .unreadableFile(option: option, path: path, reason: "is a directory")
        }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw .unreadableFile(option: option, path: path, reason: "permission denied")
        }
        defer { try? handle.close() }
        do {
            return [UInt8](try handle.read(upToCount: maximumBytes) ?? Data())
        } catch {
            throw .unreadableFile(option: option, path: path, reason: error.localizedDescription)
        }
    }
}

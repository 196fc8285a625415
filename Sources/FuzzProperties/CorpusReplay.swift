import Foundation

/// A fuzz target built without libFuzzer (`swift build` as usual): replays files and folders of inputs through the
/// target's properties, so the committed corpus and any `crash-…` file can be checked on any build.
public enum CorpusReplay {
    /// Replays every file named in `paths` (folders: every file inside, sorted) through `target`; prints each
    /// violation with its file and a summary line. Returns the exit status: 0 when every property held, 1 on a
    /// violation, 2 when a path cannot be read or none was given.
    public static func run(_ target: PropertyTarget, paths: [String]) -> Int32 {
        guard !paths.isEmpty else {
            FileHandle.standardError.write(Data("usage: fuzz-\(target.name) FILE_OR_FOLDER…\n".utf8))
            return 2
        }
        var files: [String] = []
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                FileHandle.standardError.write(Data("fuzz-\(target.name): no such file or folder: \(path)\n".utf8))
                return 2
            }
            if isFolder.boolValue {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
                files += names.sorted().map { "\(path)/\($0)" }
            } else {
                files.append(path)
            }
        }
        var failures = 0
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else {
                FileHandle.standardError.write(Data("fuzz-\(target.name): cannot read \(file)\n".utf8))
                return 2
            }
            let found = data.withUnsafeBytes { target.violations($0) }
            for violation in found { print("\(file): \(violation)") }
            if !found.isEmpty { failures += 1 }
        }
        print("\(target.name): \(files.count) inputs replayed, \(failures) with violations")
        return failures == 0 ? 0 : 1
    }
}

import Foundation
import FuzzProperties
import Testing
import TestSupport

/// The fuzz targets' properties over the committed seed corpus and the regression inputs the fuzzers found, on a
/// normal build (no libFuzzer): what `scripts/fuzz` checks on every generated input, checked here on the files that
/// must keep passing.
@Suite struct FuzzCorpusTests {
    static let targets: [PropertyTarget] = [.strictJSON, .mediaProbes]

    /// Every file of `Fuzz/corpus/<target>` and `Fuzz/regressions/<target>`.
    static func inputs(_ target: PropertyTarget) throws -> [URL] {
        let root = PackageRoot.url.appendingPathComponent("Fuzz")
        return try ["corpus", "regressions"].flatMap { folder -> [URL] in
            let directory = root.appendingPathComponent(folder).appendingPathComponent(target.name)
            guard FileManager.default.fileExists(atPath: directory.path) else { return [] }
            return try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
        }
    }

    @Test("the seed corpus and the regressions keep every property", arguments: targets.map(\.name))
    func corpusHolds(name: String) throws {
        let target = try #require(Self.targets.first { $0.name == name })
        let files = try Self.inputs(target)
        #expect(files.count >= 5)
        for file in files {
            let bytes = [UInt8](try Data(contentsOf: file))
            let found = bytes.withUnsafeBytes { target.violations($0) }
            #expect(found.isEmpty, "\(file.lastPathComponent): \(found)")
        }
    }
}

import Foundation

/// Paths inside this package's checkout, for tests that need the set-up script's tools or fixtures.
public enum PackageRoot {
    /// The directory that holds `Package.swift`, found from this file's compile-time path.
    public static let url: URL = {
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) {
                return dir
            }
            dir.deleteLastPathComponent()
        }
        preconditionFailure("Package.swift not found above \(#filePath)")
    }()

    /// `tools/bin`, where `scripts/setup` puts binaries it downloads (the Tansu broker).
    public static var toolsBin: URL { url.appendingPathComponent("tools/bin") }
}

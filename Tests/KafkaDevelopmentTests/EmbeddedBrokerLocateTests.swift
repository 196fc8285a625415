import Foundation
import KafkaDevelopment
import Testing

@Suite("EmbeddedBroker.locateTansu")
struct EmbeddedBrokerLocateTests {
    /// A scratch directory tree `root/a/b` with an executable `root/tools/bin/tansu`.
    private func makeTree() throws -> (root: String, nested: String, binary: String) {
        let root = NSTemporaryDirectory() + "locate-" + UUID().uuidString
        let nested = root + "/a/b"
        let binary = root + "/tools/bin/tansu"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: root + "/tools/bin", withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: binary, contents: Data("#!/bin/sh\n".utf8), attributes: [.posixPermissions: 0o755])
        return (root, nested, binary)
    }

    @Test("finds tools/bin/tansu above the current directory")
    func aboveCurrentDirectory() throws {
        let tree = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let found = try EmbeddedBroker.locateTansu(environment: ["PATH": "/nonexistent"], currentDirectory: tree.nested, executablePath: nil)
        #expect(found == tree.binary)
    }

    @Test("an explicit path and the environment variable come first")
    func precedence() throws {
        let tree = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: tree.root) }
        let other = tree.root + "/other-tansu"
        _ = FileManager.default.createFile(atPath: other, contents: Data(), attributes: [.posixPermissions: 0o755])
        let fromEnvironment = try EmbeddedBroker.locateTansu(
            environment: ["AVATAR_DEV_TANSU": other], currentDirectory: tree.nested, executablePath: nil)
        #expect(fromEnvironment == other)
        let explicit = try EmbeddedBroker.locateTansu(
            explicitPath: tree.binary, environment: ["AVATAR_DEV_TANSU": other], currentDirectory: "/", executablePath: nil)
        #expect(explicit == tree.binary)
    }

    @Test("when nothing is found the error lists where it looked and how to fix it")
    func notFound() {
        let error = #expect(throws: EmbeddedBrokerError.self) {
            _ = try EmbeddedBroker.locateTansu(
                environment: ["PATH": "/nonexistent"], currentDirectory: "/proc", executablePath: nil)
        }
        #expect(error?.description.contains("/proc/tools/bin/tansu") == true)
        #expect(error?.description.contains("scripts/setup") == true)
    }
}

import AvatarWorker
import Foundation
import TestSupport
import WorkerTestSupport
import Testing

/// `deploy/docker`: the facts of the Dockerfile that the issue asks for, read from the file (there is no container
/// engine in CI); the build step itself, `scripts/build-release`, runs in `scripts/test`.
@Suite("Dockerfile")
struct DockerfileTests {
    /// The Dockerfile's instructions, continuation lines joined, comments dropped.
    static func instructions() throws -> [(keyword: String, arguments: String)] {
        let text = try DeployFiles.text("docker/Dockerfile")
        var joined: [String] = []
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if current.isEmpty && (trimmed.isEmpty || trimmed.hasPrefix("#")) { continue }
            if trimmed.hasSuffix("\\") {
                current += trimmed.dropLast() + " "
            } else {
                joined.append(current + trimmed)
                current = ""
            }
        }
        return joined.map { line in
            let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
            return (parts[0].uppercased(), parts.count > 1 ? parts[1] : "")
        }
    }

    @Test("Two stages: the official Swift image of the project's toolchain on Ubuntu 24.04, then plain Ubuntu 24.04")
    func stages() throws {
        let all = try Self.instructions()
        let arguments = Dictionary(all.filter { $0.keyword == "ARG" }.compactMap { argument -> (String, String)? in
            let parts = argument.arguments.split(separator: "=", maxSplits: 1).map(String.init)
            return parts.count == 2 ? (parts[0], parts[1]) : nil
        }, uniquingKeysWith: { first, _ in first })
        let stages = all.filter { $0.keyword == "FROM" }.map(\.arguments)
        #expect(stages.count == 2)
        #expect(stages.first == "${SWIFT_IMAGE} AS build")
        #expect(stages.last == "${RUNTIME_IMAGE}")
        let toolchain = try ExternalTool.check("swift", ["--version"])
        let version = String(decoding: toolchain, as: UTF8.self).firstMatch(of: /Swift version (\d+\.\d+(\.\d+)?)/)
            .map { String($0.output.1) } ?? "?"
        #expect(arguments["SWIFT_IMAGE"] == "swift:\(version)-noble", "the build stage must use the toolchain the project builds with")
        #expect(arguments["RUNTIME_IMAGE"] == "ubuntu:24.04")
    }

    @Test("The build stage runs only package installs, dependency resolution and scripts/build-release")
    func buildStepsAreProjectScripts() throws {
        let all = try Self.instructions()
        let secondStage = all.lastIndex { $0.keyword == "FROM" } ?? all.endIndex
        let runs = all[..<secondStage].filter { $0.keyword == "RUN" }.map(\.arguments)
        #expect(runs.contains { $0.contains("librdkafka-dev") })
        #expect(runs.contains("scripts/build-release /out"))
        let others = runs.filter { !$0.hasPrefix("apt-get") && $0 != "swift package resolve" && $0 != "scripts/build-release /out" }
        #expect(others.isEmpty, "build steps outside the project's scripts: \(others)")
        #expect(FileManager.default.isExecutableFile(atPath: PackageRoot.url.appendingPathComponent("scripts/build-release").path))
    }

    @Test("The runtime stage: librdkafka1, a non-root user, the health check on /healthz, SIGTERM, labels, the admin port")
    func runtimeStage() throws {
        let all = try Self.instructions()
        let secondStage = all.lastIndex { $0.keyword == "FROM" } ?? all.startIndex
        let runtime = Array(all[secondStage...])
        let value = { (keyword: String) in runtime.filter { $0.keyword == keyword }.map(\.arguments) }
        #expect(value("RUN").contains { $0.contains("librdkafka1") })
        #expect(!value("RUN").contains { $0.contains("-dev") }, "no development packages at run time")
        let user = value("USER").last ?? "root"
        #expect(user.split(separator: ":").allSatisfy { Int($0).map { $0 > 0 } ?? false }, "numeric non-root user, got \(user)")
        #expect(value("HEALTHCHECK").last?.contains(AdminServer.livenessPath) == true)
        #expect(value("STOPSIGNAL") == ["SIGTERM"])
        #expect(value("EXPOSE") == [String(WorkerConfiguration().httpPort)])
        let labels = value("LABEL").joined(separator: " ")
        for label in ["org.opencontainers.image.title", "org.opencontainers.image.version", "org.opencontainers.image.description"] {
            #expect(labels.contains(label), "label \(label)")
        }
        #expect(value("ENTRYPOINT") == [#"["avatar-worker"]"#])
    }

    @Test("The ignore file keeps .build/ and tools/ out of the context, and nothing the build copies")
    func ignoreFile() throws {
        let patterns = try DeployFiles.text("docker/Dockerfile.dockerignore").split(separator: "\n")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(patterns.contains(".build/"))
        #expect(patterns.contains("tools/"))
        let copied = try Self.instructions().filter { $0.keyword == "COPY" && !$0.arguments.hasPrefix("--from") }
            .flatMap { $0.arguments.split(separator: " ").dropLast().map(String.init) }
        for source in copied {
            let name = source.hasPrefix("./") ? String(source.dropFirst(2)) : source
            #expect(!patterns.contains { $0 == name || $0 == name + "/" }, "\(name) is copied but ignored")
            #expect(FileManager.default.fileExists(atPath: PackageRoot.url.appendingPathComponent(name).path), "\(name) exists")
        }
    }
}

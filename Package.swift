// swift-tools-version:6.0
// Swift 6 language mode (tools 6.0), complete concurrency checking.
import PackageDescription

/// Packages used by more than one module section are declared here, once.
var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    // Already resolved through the server packages below; the CLI uses its timer sequence for live output.
    .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.0.0"),
]
var targets: [Target] = []
/// What the `avatar-worker` command line links; each module section below adds itself.
var cliDependencies: [Target.Dependency] = [
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
    .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
]
/// What the shared test-support target links; each module section below adds itself.
var testSupportDependencies: [Target.Dependency] = []

// MARK: - Kafka: CRdKafka (system library) and the Swift Kafka module

targets += [
    .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
    .target(name: "Kafka", dependencies: [
        "CRdKafka",
        .product(name: "Logging", package: "swift-log"),
    ]),
    .testTarget(name: "KafkaTests", dependencies: [
        "Kafka", "CRdKafka", "TestSupport",
        .product(name: "Logging", package: "swift-log"),
    ]),
]
cliDependencies += ["Kafka"]
testSupportDependencies += ["Kafka"]

// MARK: - AvatarJobs: the job contract

targets += [
    .target(name: "AvatarJobs"),
    .testTarget(name: "AvatarJobsTests", dependencies: ["AvatarJobs", "TestSupport"]),
]
cliDependencies += ["AvatarJobs"]
testSupportDependencies += ["AvatarJobs"]

// MARK: - CometAPI client and simulator

dependencies += [
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    // swift-log is declared once, in the AvatarWorker section below (a package may be listed only once).
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
]
targets += [
    .target(name: "CometAPI", dependencies: [
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Tracing", package: "swift-distributed-tracing"),
    ]),
    .target(name: "CometAPISimulator", dependencies: [
        "AvatarJobs",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
    ]),
    .testTarget(name: "CometAPITests", dependencies: ["CometAPI", "CometAPISimulator", "TestSupport"]),
    .testTarget(name: "CometAPISimulatorTests", dependencies: [
        "CometAPISimulator", "CometAPI", "TestSupport",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Hummingbird", package: "hummingbird"),
    ]),
]
cliDependencies += [
    "CometAPI", "CometAPISimulator", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
]
testSupportDependencies += ["CometAPI", "CometAPISimulator"]

// MARK: - AvatarWorker: the service

// The I/O-free core (offset ledger, poll scheduler, capacity, task lifecycle, ledger index, configuration) and the
// integration over it: intake, poll loop, result publisher and admin server as ServiceLifecycle services.
dependencies += [
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
]
targets += [
    .target(
        name: "AvatarWorker",
        dependencies: [
            "Kafka", "AvatarJobs", "CometAPI",
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]
    ),
    .testTarget(name: "AvatarWorkerTests", dependencies: [
        "AvatarWorker", "TestSupport", "Kafka", "AvatarJobs", "CometAPI", "CometAPISimulator",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
    ]),
]
cliDependencies += ["AvatarWorker", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle")]
testSupportDependencies += ["AvatarWorker"]

// End-to-end tests (E2E engineer): the built `avatar-worker` binary against Tansu and the simulator; the harness
// (WorkerProcess, ResultCollector, EndToEndStack, EndToEndJobs) lives in TestSupport.
targets += [
    .testTarget(name: "AvatarWorkerEndToEndTests", dependencies: ["AvatarJobs", "Kafka", "CometAPISimulator", "TestSupport"]),
]

// Command-line tests: the built binary's client commands against one shared broker, simulator and worker, and the
// command line's I/O-free parts (wait board, replay plan, filters) through `@testable import`.
targets += [
    .testTarget(name: "AvatarWorkerCLITests", dependencies: ["avatar-worker", "AvatarJobs", "Kafka", "TestSupport"]),
]

// MARK: - Command line and test support

targets += [
    .executableTarget(name: "avatar-worker", dependencies: cliDependencies),
    .target(name: "TestSupport", dependencies: testSupportDependencies, path: "Tests/TestSupport"),
]

let package = Package(
    name: "avatar-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "avatar-worker", targets: ["avatar-worker"]),
    ],
    dependencies: dependencies,
    targets: targets
)

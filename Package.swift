// swift-tools-version:6.0
// Swift 6 language mode (tools 6.0), complete concurrency checking.
import PackageDescription

var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
]
var targets: [Target] = []
/// What the `avatar-worker` command line links; each module section below adds itself.
var cliDependencies: [Target.Dependency] = [
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
]
/// What the shared test-support target links; each module section below adds itself.
var testSupportDependencies: [Target.Dependency] = []

// MARK: - Kafka: CRdKafka (system library) and the Swift Kafka module

// MARK: - AvatarJobs: the job contract

targets += [
    .target(name: "AvatarJobs"),
    .testTarget(name: "AvatarJobsTests", dependencies: ["AvatarJobs", "TestSupport"]),
]
cliDependencies += ["AvatarJobs"]
testSupportDependencies += ["AvatarJobs"]

// MARK: - CometAPI client and simulator

// MARK: - AvatarWorker: the service

// The I/O-free core (offset ledger, poll scheduler, capacity, task lifecycle, ledger index, configuration).
// The integration adds Kafka, AvatarJobs, CometAPI, ServiceLifecycle and Metrics here.
dependencies += [
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
]
targets += [
    .target(
        name: "AvatarWorker",
        dependencies: [
            .product(name: "Collections", package: "swift-collections"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
        ]
    ),
    .testTarget(name: "AvatarWorkerTests", dependencies: ["AvatarWorker", "TestSupport"]),
]
cliDependencies += ["AvatarWorker"]

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

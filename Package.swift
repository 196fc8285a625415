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

dependencies += [
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
]
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

// MARK: - CometAPI client and simulator

// MARK: - AvatarWorker: the service

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

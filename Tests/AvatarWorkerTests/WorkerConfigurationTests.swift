import Foundation
import CometAPI
import Testing
@testable import AvatarWorker

@Suite("WorkerConfiguration")
struct WorkerConfigurationTests {
    /// A fresh temporary file holding `contents`, removed by the caller.
    func temporaryFile(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("worker-config-\(UUID().uuidString)").path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func defaultsNeedNoInput() throws {
        let config = try WorkerConfiguration.load(flags: [:], environment: [:])
        #expect(config == WorkerConfiguration())
        #expect(config.jobsTopic == "avatar.jobs" && config.dlqTopic == "avatar.jobs.dlq")
        #expect(config.apiKey == nil)
        #expect(throws: ConfigurationError.missingAPIKey) { try config.requireAPIKey() }
        #expect(Set(WorkerConfiguration.options.map(\.name)).count == WorkerConfiguration.options.count)
    }

    @Test func flagsBeatEnvironmentBeatFileBeatDefaults() throws {
        let file = try temporaryFile("""
            {"group": "from-file", "http-port": 9000, "brokers": "file:9092", "exactly-once": true,
             "poll-interval": 12, "kafka": {"linger.ms": 5, "acks": "all"}}
            """)
        defer { try? FileManager.default.removeItem(atPath: file) }
        let config = try WorkerConfiguration.load(
            flags: ["config-file": file, "brokers": "flag:9092", "kafka.acks": "1"],
            environment: [
                "AVATAR_WORKER_GROUP": "from-env", "AVATAR_WORKER_BROKERS": "env:9092",
                "AVATAR_WORKER_KAFKA_SESSION_TIMEOUT_MS": "6000", "AVATAR_WORKER_AMBIGUOUS_SUBMISSION": "resubmit",
                "AVATAR_WORKER_TOTAL_DEADLINE": "2h", "PATH": "/usr/bin",
            ]
        )
        #expect(config.brokers == "flag:9092")
        #expect(config.group == "from-env")
        #expect(config.httpPort == 9000)
        #expect(config.exactlyOnce)
        #expect(config.pollPolicy.interval == .seconds(12))
        #expect(config.totalDeadline == .seconds(7200))
        #expect(config.ambiguousSubmission == .resubmit)
        #expect(config.kafka == ["linger.ms": "5", "acks": "1", "session.timeout.ms": "6000"])
    }

    @Test func badValuesNameTheOptionTheValueAndTheSource() {
        #expect(throws: ConfigurationError.invalidValue(
            option: "http-port", value: "99999", expected: "a number in 0...65535",
            source: .environment("AVATAR_WORKER_HTTP_PORT"))
        ) {
            try WorkerConfiguration.load(environment: ["AVATAR_WORKER_HTTP_PORT": "99999"])
        }
        #expect(throws: ConfigurationError.unknownOption(name: "job-topic", source: .flag("job-topic"))) {
            try WorkerConfiguration.load(flags: ["job-topic": "x"], environment: [:])
        }
        #expect(throws: ConfigurationError.unknownOption(
            name: "JOBS_TOPICS", source: .environment("AVATAR_WORKER_JOBS_TOPICS"))
        ) {
            try WorkerConfiguration.load(environment: ["AVATAR_WORKER_JOBS_TOPICS": "x"])
        }
        for (option, value) in [("drain-deadline", "soon"), ("poll-jitter", "1.5"), ("api-base-url", "ftp://x"),
                                ("ambiguous-submission", "maybe"), ("exactly-once", "perhaps"),
                                ("submission-deadline", "-3s")] {
            #expect(throws: ConfigurationError.self) {
                try WorkerConfiguration.load(flags: [option: value], environment: [:])
            }
        }
    }

    @Test func developmentVariablesAreNotReadAndUnknownWorkerVariablesAreRefused() throws {
        // Development tools keep to AVATAR_DEV_…: the loader passes over them, whatever their value.
        let development = [
            "AVATAR_DEV_TANSU": "/opt/tansu", "AVATAR_DEV_BINARY": "/x/avatar-worker",
            Failpoints.environmentVariable: "not-a-failpoint", "AVATAR_DEV_X": "{", "AVATAR_WORKER_GROUP": "g",
        ]
        #expect(Failpoints.environmentVariable.hasPrefix("AVATAR_DEV_"))
        #expect(try WorkerConfiguration.load(environment: development).group == "g")
        #expect(try WorkerConfiguration.load(environment: development)
            == WorkerConfiguration.load(environment: ["AVATAR_WORKER_GROUP": "g"]))
        // The AVATAR_WORKER_ prefix is the loader's alone: no variable under it is let through unread, including the
        // names development tools used to have.
        for variable in ["AVATAR_WORKER_X", "AVATAR_WORKER_TANSU", "AVATAR_WORKER_BINARY", "AVATAR_WORKER_FAILPOINT"] {
            let name = String(variable.dropFirst("AVATAR_WORKER_".count))
            #expect(throws: ConfigurationError.unknownOption(name: name, source: .environment(variable))) {
                try WorkerConfiguration.load(environment: [variable: "1", "AVATAR_WORKER_GROUP": "g"])
            }
        }
    }

    @Test("the prior owner's grace follows the request timeout unless set")
    func priorOwnerGrace() throws {
        let derived = try WorkerConfiguration.load(flags: ["api-request-timeout": "20s"], environment: [:])
        #expect(derived.priorOwnerGrace == nil)
        #expect(PipelineCore.Options(configuration: derived).priorOwnerGrace == .seconds(30))
        let set = try WorkerConfiguration.load(
            flags: ["api-request-timeout": "20s"], environment: ["AVATAR_WORKER_PRIOR_OWNER_GRACE": "2s"])
        #expect(PipelineCore.Options(configuration: set).priorOwnerGrace == .seconds(2))
    }

    @Test func inconsistentOptionsAreRejected() {
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration.load(flags: ["fleet-in-flight-cap": "3", "jobs-partitions": "4"], environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration.load(flags: ["submission-deadline": "2h", "total-deadline": "1h"], environment: [:])
        }
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration.load(flags: ["results-topic": "avatar.jobs"], environment: [:])
        }
    }

    @Test func malformedConfigFilesSayWhatIsWrong() throws {
        for contents in ["[1, 2]", "{not json", #"{"kafka": 3}"#, #"{"group": ["a"]}"#] {
            let file = try temporaryFile(contents)
            defer { try? FileManager.default.removeItem(atPath: file) }
            #expect(throws: ConfigurationError.self) {
                try WorkerConfiguration.load(flags: ["config-file": file], environment: [:])
            }
        }
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration.load(environment: ["AVATAR_WORKER_CONFIG_FILE": "/nonexistent/worker.json"])
        }
    }

    @Test func theAPIKeyComesFromAFlaggedFileThenTheEnvironmentAndIsNeverPrinted() throws {
        let secret = "sk-test-4f9a0c"
        let keyFile = try temporaryFile("\(secret)\n")
        defer { try? FileManager.default.removeItem(atPath: keyFile) }
        let fromFlag = try WorkerConfiguration.load(
            flags: ["api-key-file": keyFile], environment: ["COMETAPI_KEY": "sk-env"])
        #expect(fromFlag.apiKey?.matches(secret) == true)
        let fromEnvironment = try WorkerConfiguration.load(
            environment: ["COMETAPI_KEY": "sk-env", "AVATAR_WORKER_API_KEY_FILE": keyFile])
        let key = try fromEnvironment.requireAPIKey()
        #expect(key.matches("sk-env"))
        for text in [String(describing: key), String(reflecting: key), "\(fromEnvironment)", dumped(fromFlag)] {
            #expect(!text.contains("sk-env") && !text.contains(secret))
        }
        #expect(throws: ConfigurationError.emptyAPIKey(source: "COMETAPI_KEY")) {
            try WorkerConfiguration.load(environment: ["COMETAPI_KEY": "  "])
        }
        #expect(throws: ConfigurationError.self) {
            try WorkerConfiguration.load(flags: ["api-key-file": "/nonexistent/key"], environment: [:])
        }
    }

    func dumped(_ value: some Any) -> String {
        var text = ""
        dump(value, to: &text)
        return text
    }
}

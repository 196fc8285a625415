@testable import avatar_worker
import Foundation
import Kafka
import Testing
import TestSupport
import WorkerTestSupport

extension CommandLineTests {
    /// `submit` against the shared worker: from files to a saved video, live lines in a terminal, refusals before
    /// anything is produced, and Ctrl-C that leaves the jobs running.
    @Suite("submit")
    struct Submit {
        @Test("submit --wait with the sample files follows the job to its video and --download saves it; JSON lines off a terminal")
        func waitAndDownload() async throws {
            let shared = try CommandLineStack.get()
            let videos = FileManager.default.temporaryDirectory.appendingPathComponent(UniqueName.make("videos"))
            let run = try await CommandRun.run(["submit"] + shared.served + [
                "--image", shared.sample("portrait.png"), "--audio", shared.sample("speech.wav"), "--prompt", "Smile and nod.",
                "--wait", "--download", videos.path,
            ])
            #expect(run.status == 0, "\(run.transcript)")
            let objects = run.objects()
            let produced = try #require(objects.first, "\(run.transcript)")
            #expect(produced["status"] as? String == "produced")
            let jobID = try #require(produced["job_id"] as? String)
            #expect(jobID.hasPrefix("job-"), "a job_id is generated when none is given")
            let types = objects.compactMap { $0["type"] as? String }
            #expect(types.last == "succeeded", "\(run.transcript)")
            #expect(Set(types).isSubset(of: ["submitted", "processing", "succeeded"]))
            // The worker publishes `submitted` when the API accepts the task; `processing` only if a poll sees it.
            #expect(types.first == "submitted", "the worker's progress events reach --wait: \(types)")
            let downloaded = try #require(objects.last)
            #expect(downloaded["status"] as? String == "downloaded")
            let path = try #require((downloaded["paths"] as? [String])?.first)
            #expect(path == videos.appendingPathComponent("\(jobID).mp4").path)
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)).isEmpty == false)
            #expect(try FileManager.default.contentsOfDirectory(atPath: videos.path) == ["\(jobID).mp4"], "no part file left")

            let status = try await CommandRun.run(["status"] + shared.served + [jobID])
            #expect(status.status == 0, "\(status.transcript)")
            #expect(status.objects().first?["where"] as? String == "results")
            #expect(status.objects().first?["type"] as? String == "succeeded")
        }

        @Test("in a terminal, submit --wait keeps one live line per job with phase and elapsed time, fitted to the width, and ends on the final state")
        func liveLinesInTerminal() async throws {
            let shared = try CommandLineStack.get()
            let ids = [UniqueName.make("live-a"), UniqueName.make("live-b")]
            let portrait = try Data(contentsOf: URL(fileURLWithPath: shared.sample("portrait.png"))).base64EncodedString()
            let speech = try Data(contentsOf: URL(fileURLWithPath: shared.sample("speech.wav"))).base64EncodedString()
            let jobs = FileManager.default.temporaryDirectory.appendingPathComponent(UniqueName.make("jobs") + ".jsonl")
            try ids.map { #"{"job_id":"\#($0)","image":"\#(portrait)","sound_file":"\#(speech)","prompt":"Nod."}"# }
                .joined(separator: "\n").write(to: jobs, atomically: true, encoding: .utf8)

            let run = try await CommandRun.runInTerminal(["submit"] + shared.served + ["--wait", jobs.path], columns: 60, rows: 20)
            #expect(run.status == 0, "\(run.transcript)")
            let screen = TerminalScreen(run.stdout)
            #expect(screen.redraws > 2, "the block is redrawn in place (cursor up, clear line)")
            for id in ids {
                let states = screen.writtenLines.filter { $0.contains(id) }
                #expect(states.contains { $0.contains("queued") }, "\(id) starts queued: \(states)")
                #expect(states.contains { $0.contains("submitted") }, "\(id) shows the progress events: \(states)")
                #expect(screen.finalLines.contains { $0.contains(id) && $0.contains("done") }, "\(screen.finalLines)")
            }
            #expect(screen.writtenLines.allSatisfy { $0.count < 60 }, "no line wider than the terminal: \(screen.writtenLines)")
            #expect(screen.finalLines.last == "2 succeeded, 0 failed", "\(screen.finalLines)")
            #expect(screen.writtenLines.contains { $0.range(of: #"done +\d+s"#, options: .regularExpression) != nil })
        }

        @Test("a job the worker would refuse is refused before anything is produced, naming the option; unreadable files and unknown options are usage errors")
        func refusals() async throws {
            let shared = try CommandLineStack.get()
            let small = FileManager.default.temporaryDirectory.appendingPathComponent(UniqueName.make("small") + ".png")
            try Data(DemoMedia.png(width: 200, height: 200)).write(to: small)
            let before = try await KafkaTopicTail(
                configuration: KafkaConfiguration(["bootstrap.servers": shared.stack.broker.bootstrapServers]), topic: shared.idle.jobs
            ).endOffsets()

            let refused = try await CommandRun.run(["submit"] + shared.unserved + [
                "--image", small.path, "--audio", shared.sample("speech.wav"), "--job-id", "refused-1",
            ])
            #expect(refused.status == 1, "\(refused.transcript)")
            let line = try #require(refused.objects().first)
            #expect(line["status"] as? String == "refused")
            #expect(line["job_id"] as? String == "refused-1")
            #expect(((line["errors"] as? [[String: Any]])?.first?["code"] as? String) == "image.too_small")

            let inTerminal = try await CommandRun.runInTerminal(["submit"] + shared.unserved + [
                "--image", small.path, "--audio", shared.sample("speech.wav"),
            ], columns: 200)
            #expect(inTerminal.stdout.contains("--image \(small.path): image.too_small"), "\(inTerminal.transcript)")

            // A URL is passed through unchecked, unless --check-urls fetches and probes it like inline media.
            let smallBytes = DemoMedia.png(width: 200, height: 200)
            let server = try LocalHTTPServer { _ in .init(headers: ["Content-Type": "image/png"], body: smallBytes) }
            defer { server.stop() }
            let checked = try await CommandRun.run(["submit"] + shared.unserved + [
                "--image", server.url("/small.png"), "--audio-id", "audio-1", "--check-urls", "--allow-private-addresses",
            ])
            #expect(checked.status == 1, "\(checked.transcript)")
            #expect(((checked.objects().first?["errors"] as? [[String: Any]])?.first?["code"] as? String) == "image.too_small")

            let missing = try await CommandRun.run(["submit"] + shared.unserved + ["--image", small.path, "--audio", "/nonexistent/speech.wav"])
            #expect(missing.exit == .exited(2))
            #expect(missing.stderr.contains("--audio /nonexistent/speech.wav: no such file"), "\(missing.transcript)")

            let after = try await KafkaTopicTail(
                configuration: KafkaConfiguration(["bootstrap.servers": shared.stack.broker.bootstrapServers]), topic: shared.idle.jobs
            ).endOffsets()
            #expect(before == after, "nothing was produced")

            for (arguments, message) in [
                (["submit", "--bogus"], "Unknown option '--bogus'"),
                (["submit", "--download", "x", "--image", small.path, "--audio-id", "a"], "--download needs --wait"),
                (["submit", "--image", small.path], "give the speech as --audio FILE|URL or --audio-id ID"),
                (["status", "bad id"], "is not a job id"),
                (["results", "--since", "yesterday-ish"], "--since yesterday-ish: expected"),
                (["dlq", "replay", "--to-offset", "1", "--from-offset", "5"], "--to-offset 1 is below --from-offset 5"),
                (["topics", "create", "--partitions", "1", "--kafka", "oops"], "--kafka must be NAME=VALUE"),
            ] {
                let usage = try await CommandRun.run(arguments)
                #expect(usage.exit == .exited(2), "\(usage.transcript)")
                #expect(usage.stderr.contains(message), "\(usage.transcript)")
            }
        }

        @Test("Ctrl-C during submit --wait stops waiting, says the jobs keep running, exits 130 without a stack trace; the job is still there")
        func interrupt() async throws {
            let shared = try CommandLineStack.get()
            let jobID = UniqueName.make("interrupted")
            let arguments = ["submit"] + shared.unserved + [
                "--image", shared.sample("portrait.png"), "--audio", shared.sample("speech.wav"), "--job-id", jobID, "--wait",
            ]
            let child = try await CommandRun.launch(arguments)
            _ = try await child.waitForOutputLine(within: .seconds(60), what: "the produced line") { $0.contains(#""status":"produced""#) }
            child.signal(SIGINT)
            let run = try await CommandRun.finish(child, arguments: arguments)
            #expect(run.exit == .exited(130), "\(run.transcript)")
            #expect(run.stderr.contains("1 job(s) keep running on the workers"), "\(run.transcript)")
            #expect(run.stderr.contains("avatar-worker status \(jobID)"))
            #expect(!run.stderr.contains("Fatal error") && !run.stderr.contains("Stack dump"))

            let status = try await CommandRun.run(["status"] + shared.unserved + [jobID])
            #expect(status.objects().first?["where"] as? String == "jobs", "\(status.transcript)")
        }
    }
}

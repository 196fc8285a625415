import AvatarJobs
import Foundation
import Testing
import TestSupport

@Suite("Deep validation of URL media against a local server")
struct RemoteMediaValidatorTests {
    /// Serves fixtures and misbehaviours on loopback; stopped by every test.
    private static func server() throws -> LocalHTTPServer {
        let png = try MediaFixtures.bytes(FixtureCatalog.png)
        let mp3 = try MediaFixtures.bytes(FixtureCatalog.mp3Long)
        let small = try MediaFixtures.bytes(FixtureCatalog.pngTooSmall)
        return try LocalHTTPServer { request in
            switch request.path {
            case "/portrait.png": .init(body: png)
            case "/small.png": .init(body: small)
            case "/long.mp3": .init(body: mp3)
            case "/moved": .init(status: 302, headers: ["Location": "/portrait.png"])
            case "/loop": .init(status: 302, headers: ["Location": "/loop"])
            case "/huge": .init(body: [UInt8](repeating: 0x41, count: 12 * 1024 * 1024))
            case "/hang": .init(hang: true)
            default: .init(status: 404)
            }
        }
    }

    private func job(image: String, sound: String = "https://unused.invalid/a.mp3", audioID: Bool = true) throws -> ValidatedJob {
        let audio = audioID ? #""audio_id":"1""# : #""sound_file":"\#(sound)""#
        return try JobValidator().validate(Array(#"{"job_id":"r1","image":"\#(image)",\#(audio)}"#.utf8)).get()
    }

    private func deep(timeout: Double = 10) -> RemoteMediaValidator {
        var policy = RemoteFetchPolicy.allowingLoopback
        policy.timeoutSeconds = timeout
        return RemoteMediaValidator(fetcher: RemoteMediaFetcher(policy: policy))
    }

    @Test("a URL image is fetched with a Range request, probed and checked")
    func fetchAndProbe() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = try await deep().validate(job(image: server.url("/portrait.png"))).get()
        #expect(result.imageInfo?.width == 400 && result.imageInfo?.height == 600)
        #expect(server.requests.first?.headers["range"] == "bytes=0-\(ValidationLimits().maximumImageBytes)")
        let small = await deep().validate(try job(image: server.url("/small.png")))
        #expect(small.failure?.codes == [.imageTooSmall])
        let long = await deep().validate(try job(image: server.url("/portrait.png"), sound: server.url("/long.mp3"), audioID: false))
        #expect(long.failure?.codes == [.audioDuration])
    }

    @Test("loopback is refused unless the policy allows it")
    func loopbackRefused() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = await RemoteMediaValidator().validate(try job(image: server.url("/portrait.png")))
        #expect(result.failure?.codes == [.urlForbiddenAddress])
        #expect(server.requests.isEmpty)
    }

    @Test("redirects are followed up to the limit")
    func redirects() async throws {
        let server = try Self.server()
        defer { server.stop() }
        #expect(try await deep().validate(job(image: server.url("/moved"))).get().imageInfo?.format == .png)
        let loop = await deep().validate(try job(image: server.url("/loop")))
        #expect(loop.failure?.codes == [.urlFetchFailed])
        #expect(server.requests.filter { $0.path == "/loop" }.count == RemoteFetchPolicy().maximumRedirects + 1)
    }

    @Test("a body beyond the cap is cut off; HTTP errors and timeouts are fetch failures")
    func capsAndFailures() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let huge = await deep().validate(try job(image: server.url("/huge")))
        #expect(huge.failure?.codes == [.imageTooLarge])
        let missing = await deep().validate(try job(image: server.url("/nothing-here.png")))
        #expect(missing.failure?.errors.first?.message.contains("404") == true)
        let hanging = await deep(timeout: 0.5).validate(try job(image: server.url("/hang")))
        #expect(hanging.failure?.codes == [.urlFetchFailed])
        #expect(hanging.failure?.errors.first?.message.contains("timed out") == true, "\(String(describing: hanging.failure?.errors))")
    }

    @Test("address classification: private, loopback, link-local, mapped and NAT64 forms refused; public allowed",
          arguments: [
              ("127.0.0.1", false), ("10.1.2.3", false), ("172.16.0.1", false), ("172.32.0.1", true), ("192.168.1.1", false),
              ("169.254.169.254", false), ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false), ("8.8.8.8", true),
              ("::1", false), ("::", false), ("fe80::1", false), ("fd00::1", false), ("::ffff:10.0.0.1", false),
              ("::ffff:8.8.8.8", true), ("64:ff9b::a00:1", false), ("2606:4700::1111", true), ("ff02::1", false),
          ])
    func classification(address: String, allowed: Bool) throws {
        let parsed = try #require(IPAddress(address))
        #expect((IPAddressPolicy.publicOnly.refusal(for: parsed) == nil) == allowed)
    }

    @Test("names are resolved before any connection: localhost is refused")
    func resolution() throws {
        #expect(throws: RemoteFetchError.self) { try IPAddressPolicy.publicOnly.resolve("localhost") }
        #expect(try IPAddressPolicy.allowingLoopback.resolve("[::1]") == [IPAddress("::1")!])
    }
}

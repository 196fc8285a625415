import AsyncHTTPClient
import Foundation
import NIOCore

/// `wrk`, the HTTP baseline of the benchmarks: runs it and reads its rate, and writes the Lua script that replays a
/// benchmark round's own mix of creates and queries.
enum BenchWrk {
    static let createPath = "/kling/v1/videos/avatar/image2video"

    /// Runs `wrk arguments` and returns the `Requests/sec:` it printed.
    static func run(path: String, arguments: [String]) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("Requests/sec:") }),
              let value = Double(line.dropFirst("Requests/sec:".count).trimmingCharacters(in: .whitespaces)) else {
            throw BenchFailure(what: "could not read wrk's output:\n\(text)")
        }
        let errors = text.split(separator: "\n").filter { $0.contains("Non-2xx") || $0.contains("Socket errors") }
        guard errors.isEmpty else { throw BenchFailure(what: "wrk saw failed requests: \(errors.joined(separator: "; "))") }
        return value
    }

    /// Creates one task on the simulator at `baseURL` and returns its id (the task the script's queries ask for).
    static func createTask(baseURL: String) async throws -> String {
        var request = HTTPClientRequest(url: baseURL + createPath)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer bench-key")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(string: #"{"image":"https://media.example.com/portraits/p.png","audio_id":"tts-123"}"#))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any],
              let data = object["data"] as? [String: Any], let taskID = data["task_id"] as? String
        else { throw BenchFailure(what: "the simulator's create answered \(response.status.code): \(String(buffer: body))") }
        return taskID
    }

    /// A wrk script sending creates and queries as `creates : queries` (a create whenever the running share of
    /// creates falls behind it), each create with an `external_task_id` unique per thread and request, each query
    /// of `taskID`.
    static func mixScript(creates: Int, queries: Int, taskID: String, prefix: String) -> String {
        """
        -- \(creates) creates : \(queries) queries, the mix of the measured round
        local creates, total = \(creates), \(max(creates + queries, 1))
        local counter = 0
        local threads = 0
        local headers = { ["Authorization"] = "Bearer bench-key", ["Content-Type"] = "application/json" }
        function setup(thread)
          threads = threads + 1
          thread:set("id", threads)
        end
        function request()
          counter = counter + 1
          if math.floor(counter * creates / total) > math.floor((counter - 1) * creates / total) then
            local body = '{"image":"https://media.example.com/portraits/p.png","audio_id":"tts-123","prompt":"smiles and nods","external_task_id":"\(prefix)-wrk-' .. id .. '-' .. counter .. '"}'
            return wrk.format("POST", "\(createPath)", headers, body)
          end
          return wrk.format("GET", "\(createPath)/\(taskID)", headers)
        end
        """
    }
}

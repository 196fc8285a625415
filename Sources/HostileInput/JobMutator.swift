/// Turns valid jobs into hostile messages, reproducibly from a seed: one or two structural mutations (on the job's
/// fields: wrong types, huge values, deep nesting, broken text, broken or lying media, duplicate keys, …) or one
/// byte-level mutation of the serialized message (flips, cuts, insertions), or none at all.
///
/// Byte-level mutations never touch the characters of the `job_id` value, so every message stays attributable: it
/// ends as a result for its own job id, or as a DLQ entry at its own offset.
struct JobMutator {
    /// The run's seed (also part of every job id).
    let seed: UInt64
    /// Messages above this size must be refused as `job.too_large`; some mutations aim just above it.
    let maxMessageBytes: Int
    private let variants: [HostileMedia.Variant]
    private var random: FuzzRandom

    init(seed: UInt64, maxMessageBytes: Int) {
        self.seed = seed
        self.maxMessageBytes = maxMessageBytes
        variants = HostileMedia.variants()
        random = FuzzRandom(seed: seed)
    }

    /// The families and their weights (in parts of 1000): about one message in six is left valid or changed only in
    /// ways that keep it valid; oversized ones are rare, since the embedded broker keeps every record in memory.
    static let families: [(String, Int)] = [
        ("none", 90), ("equivalent", 60), ("type-swap", 70), ("huge-string", 25), ("huge-number", 40),
        ("deep-nesting", 30), ("invalid-utf8", 40), ("invalid-escape", 50), ("invalid-base64", 50),
        ("lying-media", 105), ("duplicate-key", 40), ("fields", 50), ("top-level", 25), ("bad-url", 30),
        ("byte-flip", 120), ("truncate", 70), ("insert-bytes", 40), ("delete-range", 30), ("duplicate-range", 32),
        ("oversize", 3),
    ]

    /// Message number `index` of the run.
    mutating func message(index: Int) -> HostileMessage {
        var template = JobTemplate.valid(index: index, seed: seed, random: &random)
        let family = random.weighted(Self.families)
        var mutations: [String] = []
        var value: [UInt8]?
        switch family {
        case "none":
            mutations = ["none"]
            value = template.serialized().bytes
        case "byte-flip", "truncate", "insert-bytes", "delete-range", "duplicate-range", "top-level", "oversize":
            let (bytes, protected) = template.serialized()
            (value, mutations) = mutateBytes(family, bytes, protecting: protected ?? 0..<0)
        default:
            mutations.append(mutateFields(family, &template))
            if family != "equivalent", random.chance(0.2) {
                mutations.append(mutateFields(random.pick(["type-swap", "invalid-escape", "duplicate-key", "fields", "lying-media"]), &template))
            }
            value = template.serialized().bytes
        }
        let key: [UInt8]? = switch random.int(0...19) {
        case 0: nil
        case 1: Array("not-\(template.jobID)".utf8)
        default: Array(template.jobID.utf8)
        }
        return HostileMessage(
            key: key, value: value, jobID: template.jobID, mutations: mutations,
            otherJobIDs: value.map { Self.jobIDStrings(in: $0).filter { $0 != template.jobID && $0.utf8.count <= 128 } } ?? [])
    }

    // MARK: - Byte level

    private mutating func mutateBytes(
        _ family: String, _ bytes: [UInt8], protecting protected: Range<Int>
    ) -> (value: [UInt8]?, mutations: [String]) {
        var bytes = bytes
        func position() -> Int {
            var offset: Int
            repeat { offset = random.index(bytes.count) } while protected.contains(offset)
            return offset
        }
        switch family {
        case "byte-flip":
            let flips = random.pick([1, 1, 2, 3, 8, 32])
            for _ in 0..<flips { bytes[position()] ^= UInt8(random.int(1...255)) }
            return (bytes, ["byte-flip:\(flips)"])
        case "truncate":
            let cut = random.chance(0.1) ? random.int(0...2) : random.index(bytes.count)
            return (Array(bytes.prefix(cut)), ["truncate"])
        case "insert-bytes":
            let at = position()
            let inserted = (0..<random.int(1...16)).map { _ in UInt8(random.int(0...255)) }
            bytes.insert(contentsOf: inserted, at: at)
            return (bytes, ["insert-bytes"])
        case "delete-range":
            let start = position()
            var end = min(bytes.count, start + random.int(1...64))
            if start < protected.lowerBound { end = min(end, protected.lowerBound) }
            bytes.removeSubrange(start..<end)
            return (bytes, ["delete-range"])
        case "duplicate-range":
            let start = position()
            let end = min(bytes.count, start + random.int(1...256))
            let copy = Array(bytes[start..<end])
            let at = start < protected.lowerBound ? min(end, protected.lowerBound) : end
            bytes.insert(contentsOf: copy, at: at)
            return (bytes, ["duplicate-range"])
        case "oversize":
            // Just above the limit, or far above it (more than the worker's own producer would copy to the DLQ).
            let target = random.chance(0.7) ? maxMessageBytes + random.int(1...4096) : maxMessageBytes + (1 << 20) + 4096
            let padding = JSONText.string(String(repeating: "x", count: max(0, target - bytes.count)))
            bytes.removeLast()
            bytes += Array(#","prompt":"#.utf8) + padding + [UInt8(ascii: "}")]
            return (bytes, ["oversize:\(target > maxMessageBytes + (1 << 20) ? "far" : "near")"])
        default:
            let shapes: [(String, [UInt8]?)] = [
                ("tombstone", nil), ("empty", []), ("whitespace", Array(" \n\t ".utf8)), ("array", Array("[]".utf8)),
                ("array-of-job", Array("[".utf8) + bytes + Array("]".utf8)), ("string", Array(#""job""#.utf8)),
                ("number", Array("42".utf8)), ("null", Array("null".utf8)), ("bom", [0xEF, 0xBB, 0xBF] + bytes),
                ("two-documents", bytes + bytes), ("nul-bytes", [UInt8](repeating: 0, count: 64)),
                ("trailing-comma", Array(bytes.dropLast()) + Array(",}".utf8)), ("comment", Array("/* job */".utf8) + bytes),
            ]
            let (name, shape) = random.pick(shapes)
            return (shape, ["top-level:\(name)"])
        }
    }

    // MARK: - Field level

    private mutating func mutateFields(_ family: String, _ template: inout JobTemplate) -> String {
        // Keys a mutation can name again: not one that an earlier mutation made invalid UTF-8.
        let keys = template.fields.compactMap { String(validating: $0.key, as: UTF8.self) }
        switch family {
        case "equivalent":
            return equivalent(&template)
        case "type-swap":
            let field = random.pick(keys)
            let value = random.pick(["123", "-1.5", "true", "false", "null", "[]", "{}", #"["x"]"#, #"{"a":1}"#, #""""#, "0"])
            template.fields[template.index(of: field)!].value = Array(value.utf8)
            return "type-swap:\(field)"
        case "huge-string":
            let field = random.pick(keys + ["prompt", "metadata"])
            let length = random.pick([3000, 3000, 20_000, 20_000, 100_000, 300_000])
            let text = String(repeating: random.pick(["A", "é", "😀", "\\n"]), count: length / 4)
            set(&template, field, Array("\"\(text)\"".utf8))
            return "huge-string:\(field)"
        case "huge-number":
            let number = random.pick([
                "1e400", "-1e400", "1e-400", "99999999999999999999999", "-0", "120.0", "1.2e2", "0.5", "-60",
                "172801", "9223372036854775808", String(repeating: "9", count: 5000), "1" + String(repeating: "0", count: 400),
            ])
            let field = random.pick(["deadline_seconds", "deadline_seconds", "metadata", "watermark"])
            set(&template, field, Array((field == "metadata" ? #"{"n":\#(number)}"# : number).utf8))
            return "huge-number:\(field)"
        case "deep-nesting":
            let depth = random.pick([63, 64, 65, 200, 10_000, 100_000])
            let open = random.chance(0.5) ? "[" : #"{"a":"#
            let close = open == "[" ? "]" : "}"
            set(&template, "metadata", Array(("{\"deep\":" + String(repeating: open, count: depth) + "1" + String(repeating: close, count: depth) + "}").utf8))
            return "deep-nesting:\(depth)"
        case "invalid-utf8":
            let field = random.pick(["prompt", "mode", "audio_id", "metadata", "job_id-key"])
            let broken: [[UInt8]] = [[0xC0, 0x80], [0xED, 0xA0, 0x80], [0xFF], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80]]
            let bytes = random.pick(broken)
            if field == "job_id-key" {
                template.fields.append(JobTemplate.Field(key: Array("note".utf8) + bytes, value: Array("1".utf8)))
            } else {
                set(&template, field, Array("\"text ".utf8) + bytes + Array(" more\"".utf8))
            }
            return "invalid-utf8:\(field)"
        case "invalid-escape":
            // String bodies between the quotes: bad escapes, lone surrogates, a raw tab, a backslash that escapes the
            // closing quote.
            let body = random.pick([#"a\x41b"#, #"a\u12G4b"#, #"a\ud800b"#, #"a\udc00x"#, #"a\ud800\u0041"#, #"ab\"#, #"a\u00"#, #"a\ab"#, "a\tb"])
            let field = random.pick(["prompt", "mode", "image", "sound_file", "metadata"])
            set(&template, field, Array("\"\(body)\"".utf8))
            return "invalid-escape:\(field)"
        case "invalid-base64":
            return invalidBase64(&template)
        case "lying-media":
            let variant = random.pick(variants)
            if variant.isImage {
                set(&template, "image", JSONText.string(Base64.encode(variant.bytes)))
            } else {
                if let audioID = template.index(of: "audio_id") { template.fields.remove(at: audioID) }
                set(&template, "sound_file", JSONText.string(Base64.encode(variant.bytes)))
            }
            return "lying-media:\(variant.name)"
        case "duplicate-key":
            let field = random.pick(keys)
            let original = template.fields[template.index(of: field)!]
            let other = field == "job_id" ? JSONText.string("dup-\(template.jobID)") : random.chance(0.5) ? original.value : Array("1".utf8)
            template.fields.append(JobTemplate.Field(key: original.key, value: other))
            return "duplicate-key:\(field)"
        case "fields":
            return fields(&template)
        default:
            let url = random.pick([
                "ftp://media.example.com/p.png", "https://user:pw@media.example.com/p.png", "javascript:alert(1)",
                "https://media.example.com/" + String(repeating: "a", count: 3000), "https://media example.com/p.png",
                "https://", "http://127.0.0.1:1/p.png", "https://[::1]/p.png", "https://bücher.example/p.png",
                "file:///etc/passwd", "HTTPS://MEDIA.EXAMPLE.COM/P.PNG",
            ])
            let field = random.pick(["image", "sound_file", "callback_url"])
            if field == "sound_file", let audioID = template.index(of: "audio_id") { template.fields.remove(at: audioID) }
            set(&template, field, JSONText.string(url))
            return "bad-url:\(field)"
        }
    }

    /// Changes that keep the job valid: whitespace between tokens, escaped characters that decode to the same text,
    /// a `data:` prefix on inline media.
    private mutating func equivalent(_ template: inout JobTemplate) -> String {
        switch random.int(0...3) {
        case 0:
            template.separator = Array(random.pick([" ", "\n", "\t", "\r\n  "]).utf8)
            return "equivalent:whitespace"
        case 1:
            let id = template.jobID.unicodeScalars.map { $0 == "-" ? #"\u002d"# : String($0) }.joined()
            template.fields[0].value = Array("\"\(id)\"".utf8)
            return "equivalent:escaped-job-id"
        case 2:
            set(&template, "prompt", Array(#""Sm\u0069le and n\u00f6d \ud83d\ude00 \/ \"ok\"""#.utf8))
            return "equivalent:escaped-prompt"
        default:
            if let image = template.index(of: "image"), template.fields[image].value.count > 200,
               !template.fields[image].value.starts(with: Array("\"data:".utf8)) {
                template.fields[image].value.insert(contentsOf: Array("data:image/png;base64,".utf8), at: 1)
                return "equivalent:data-url"
            }
            template.fields.reverse()
            return "equivalent:reordered"
        }
    }

    private mutating func invalidBase64(_ template: inout JobTemplate) -> String {
        let field = random.chance(0.5) ? "image" : "sound_file"
        var text = Base64.encode(field == "image" ? HostileMedia.portraitPNG : HostileMedia.speechMP3)
        let kind = random.pick(["bad-char", "no-padding", "extra-padding", "url-alphabet", "line-breaks", "bad-data-url", "not-media"])
        switch kind {
        case "bad-char":
            var scalars = Array(text)
            scalars[random.index(scalars.count)] = random.pick(["!", "*", " ", "%", "é"])
            text = String(scalars)
        case "no-padding":
            let stripped = String(text.reversed().drop { $0 == "=" }.reversed())
            text = stripped.count < text.count ? stripped : String(text.dropLast())
        case "extra-padding": text += "=="
        case "url-alphabet": text = text.replacingCharacters("+", "-").replacingCharacters("/", "_") + "-_"
        case "line-breaks": text = text.chunked(76).joined(separator: "\\n")
        case "bad-data-url": text = "data:text/html;base64;charset=utf-8," + text
        default: text = Base64.encode(Array("just some text, not a picture or a sound".utf8))
        }
        if field == "sound_file", let audioID = template.index(of: "audio_id") { template.fields.remove(at: audioID) }
        set(&template, field, Array("\"\(text)\"".utf8))
        return "invalid-base64:\(kind)"
    }

    private mutating func fields(_ template: inout JobTemplate) -> String {
        switch random.int(0...4) {
        case 0:
            template.fields.append(JobTemplate.Field(key: "promt", string: "typo"))
            return "fields:unknown"
        case 1:
            template.fields.removeAll { $0.key == Array("image".utf8) }
            return "fields:no-image"
        case 2:
            template.fields.removeAll { $0.key == Array("audio_id".utf8) || $0.key == Array("sound_file".utf8) }
            return "fields:no-audio"
        case 3:
            set(&template, "audio_id", JSONText.string("tts-1"))
            set(&template, "sound_file", JSONText.string("https://media.example.com/s.mp3"))
            return "fields:both-audio"
        default:
            let extra = (0..<65).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
            set(&template, "metadata", Array("{\(extra)}".utf8))
            return "fields:metadata-65"
        }
    }

    private func set(_ template: inout JobTemplate, _ key: String, _ value: [UInt8]) {
        if let index = template.index(of: key) {
            template.fields[index].value = value
        } else {
            template.fields.append(JobTemplate.Field(key: Array(key.utf8), value: value))
        }
    }

    /// Every plain string literal after a `"job_id"` key in `bytes`.
    static func jobIDStrings(in bytes: [UInt8]) -> [String] {
        let key = Array("\"job_id\"".utf8)
        var found: [String] = []
        var index = 0
        while index + key.count <= bytes.count {
            guard bytes[index..<(index + key.count)].elementsEqual(key) else { index += 1; continue }
            var cursor = index + key.count
            while cursor < bytes.count, [0x20, 0x09, 0x0A, 0x0D, UInt8(ascii: ":")].contains(bytes[cursor]) { cursor += 1 }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "\""),
               let end = bytes[(cursor + 1)...].firstIndex(of: UInt8(ascii: "\"")) {
                found.append(String(decoding: bytes[(cursor + 1)..<end], as: UTF8.self))
            }
            index = cursor
        }
        return found
    }
}

private extension String {
    func replacingCharacters(_ old: Character, _ new: Character) -> String { String(map { $0 == old ? new : $0 }) }

    func chunked(_ size: Int) -> [String] {
        var chunks: [String] = []
        var rest = Substring(self)
        while !rest.isEmpty {
            chunks.append(String(rest.prefix(size)))
            rest = rest.dropFirst(size)
        }
        return chunks
    }
}

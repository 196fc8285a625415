/// A valid job before mutation: its fields in document order, each value already JSON text, so mutations can
/// replace a value by anything (a wrong type, broken bytes) and duplicate or drop fields without a JSON library that
/// would refuse to write what they make.
struct JobTemplate {
    /// One `"key": value` pair; `value` is raw JSON text (or deliberately broken bytes).
    struct Field {
        var key: [UInt8]
        var value: [UInt8]
    }

    /// The `job_id` the fuzzer meant: unique in the run, never changed by byte-level mutations.
    let jobID: String
    var fields: [Field]
    /// Bytes between tokens (mutations vary it; JSON allows space, tab, line feed and carriage return).
    var separator: [UInt8] = []

    /// A fresh valid job for message `index` of run `seed`: URL or inline media (every format the probes know),
    /// audio by `audio_id` or `sound_file`, and optional fields in a random order after `job_id`.
    static func valid(index: Int, seed: UInt64, random: inout FuzzRandom) -> JobTemplate {
        let jobID = "hx-\(seed)-\(index)"
        var fields: [Field] = []
        let inline = random.chance(0.3)
        if inline {
            let image = random.pick([HostileMedia.portraitPNG, HostileMedia.portraitJPEG])
            let prefix = random.chance(0.2) ? (image == HostileMedia.portraitPNG ? "data:image/png;base64," : "data:image/jpeg;base64,") : ""
            fields.append(Field(key: "image", string: prefix + Base64.encode(image)))
        } else {
            fields.append(Field(key: "image", string: "https://media.example.com/portraits/\(jobID).png"))
        }
        if random.chance(0.3) {
            fields.append(Field(key: "audio_id", string: "tts-\(index)"))
        } else if inline || random.chance(0.2) {
            let audio = random.pick([HostileMedia.speechMP3, HostileMedia.speechAAC, HostileMedia.speechM4A, HostileMedia.speechWAV])
            fields.append(Field(key: "sound_file", string: Base64.encode(audio)))
        } else {
            fields.append(Field(key: "sound_file", string: "https://media.example.com/speech/\(jobID).mp3"))
        }
        if random.chance(0.6) {
            fields.append(Field(key: "prompt", string: random.pick(["Smile and nod.", "waves, then speaks", "Lächelt – 微笑む 🙂", ""])))
        }
        if random.chance(0.4) { fields.append(Field(key: "mode", string: random.pick(["std", "pro"]))) }
        if random.chance(0.3) { fields.append(Field(key: "deadline_seconds", json: String(random.int(600...7200)))) }
        if random.chance(0.2) { fields.append(Field(key: "watermark", json: random.chance(0.5) ? "true" : "false")) }
        if random.chance(0.3) {
            fields.append(Field(key: "metadata", json: #"{"customer":"acme","run":\#(seed),"n":\#(index),"tags":["a","b"]}"#))
        }
        fields.shuffle(using: &random)
        let template = JobTemplate(jobID: jobID, fields: [Field(key: "job_id", string: jobID)] + fields)
        return template
    }

    /// The index of the field `key`, if present.
    func index(of key: String) -> Int? { fields.firstIndex { $0.key == Array(key.utf8) } }

    /// The message bytes, and where the `job_id` value's characters are in them (byte mutations leave those alone
    /// so every message stays attributable to its job).
    func serialized() -> (bytes: [UInt8], jobIDValue: Range<Int>?) {
        var bytes: [UInt8] = [UInt8(ascii: "{")] + separator
        var jobIDValue: Range<Int>?
        for (position, field) in fields.enumerated() {
            if position > 0 { bytes += [UInt8(ascii: ",")] + separator }
            bytes += [UInt8(ascii: "\"")] + field.key + [UInt8(ascii: "\""), UInt8(ascii: ":")] + separator
            if jobIDValue == nil, field.key == Array("job_id".utf8) {
                jobIDValue = bytes.count..<(bytes.count + field.value.count)
            }
            bytes += field.value
        }
        return (bytes + separator + [UInt8(ascii: "}")], jobIDValue)
    }
}

extension JobTemplate.Field {
    /// A field whose value is the JSON string `text` (quotes and escapes added).
    init(key: String, string text: String) {
        self.init(key: Array(key.utf8), value: JSONText.string(text))
    }

    /// A field whose value is the raw JSON text `json`.
    init(key: String, json: String) {
        self.init(key: Array(key.utf8), value: Array(json.utf8))
    }
}

/// JSON text pieces the templates and mutations write.
enum JSONText {
    /// `text` as a JSON string literal: quote, backslash and control characters escaped.
    static func string(_ text: String) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "\"")]
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): output += [UInt8(ascii: "\\"), byte]
            case 0..<0x20: output += Array(String(format: byte).utf8)
            default: output.append(byte)
            }
        }
        return output + [UInt8(ascii: "\"")]
    }
}

private extension String {
    /// `\u00XX` for a control byte.
    init(format byte: UInt8) {
        let hex = Array("0123456789abcdef")
        self = "\\u00" + String(hex[Int(byte >> 4)]) + String(hex[Int(byte & 0x0F)])
    }
}

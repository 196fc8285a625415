/// WAV: RIFF chunks, `fmt ` (PCM, IEEE float, A-law, µ-law, also inside WAVE_FORMAT_EXTENSIBLE) and `data`;
/// duration = data bytes / (sample rate × block align).
enum WAVProbe {
    static let maximumChunks = 100_000
    private static let acceptedFormats: Set<UInt16> = [1, 3, 6, 7]

    static func probe(_ reader: ByteReader) throws(MediaProbeError) -> AudioInfo {
        try reader.require(0, 12, "RIFF header")
        var offset = 12
        var format: (rate: Int, blockAlign: Int)?
        var chunks = 0
        while true {
            try reader.require(offset, 8, format == nil ? "WAV fmt chunk" : "WAV data chunk")
            let size = Int(reader.u32le(offset + 4))
            let body = offset + 8
            if reader.matches("fmt ", at: offset) {
                guard size >= 16 else { throw .corrupt("WAV fmt chunk is \(size) bytes") }
                try reader.require(body, size, "WAV fmt chunk")
                format = try readFormat(reader, at: body, size: size)
            } else if reader.matches("data", at: offset) {
                guard let format else { throw .corrupt("WAV data chunk comes before the fmt chunk") }
                guard size <= reader.count - body else {
                    throw .truncated("WAV data chunk declares \(size) bytes; \(reader.count - body) remain")
                }
                let seconds = Double(size) / Double(format.rate * format.blockAlign)
                return AudioInfo(format: .wav, durationSeconds: seconds, byteCount: reader.count, sampleRate: format.rate)
            } else {
                try reader.require(body, size, "WAV chunk \(reader.fourCC(offset))")
            }
            offset = body + size + (size & 1)
            chunks += 1
            guard chunks < maximumChunks else { throw .corrupt("more than \(maximumChunks) WAV chunks") }
        }
    }

    private static func readFormat(_ reader: ByteReader, at body: Int, size: Int) throws(MediaProbeError) -> (rate: Int, blockAlign: Int) {
        var tag = reader.u16le(body)
        let channels = Int(reader.u16le(body + 2))
        let rate = Int(reader.u32le(body + 4))
        let blockAlign = Int(reader.u16le(body + 12))
        if tag == 0xFFFE {
            guard size >= 40 else { throw .corrupt("WAVE_FORMAT_EXTENSIBLE fmt chunk is \(size) bytes, needs 40") }
            tag = reader.u16le(body + 24)
        }
        guard acceptedFormats.contains(tag) else {
            throw .unsupported("WAV sample format 0x\(String(tag, radix: 16)) (accepted: PCM, float, A-law, µ-law)")
        }
        guard channels > 0, rate > 0, blockAlign > 0, rate <= 1_000_000 else {
            throw .corrupt("WAV fmt gives \(channels) channels, \(rate) Hz, block align \(blockAlign)")
        }
        return (rate, blockAlign)
    }
}

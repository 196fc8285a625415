/// Synthetic media of exact sizes for the validation benchmark, so it needs no ffmpeg: a PNG with real chunk
/// structure (signature, IHDR, one IDAT of pseudo-random bytes, IEND) and an MP3 of MPEG-1 layer III frames at
/// 128 kbit/s, 44.1 kHz, walked frame by frame by the probe (no Xing tag, the probe's slowest path).
enum BenchMedia {
    static func png(width: UInt32, height: UInt32, byteCount: Int) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr = bigEndian(width) + bigEndian(height)
        ihdr += [8, 2, 0, 0, 0]
        bytes += chunk("IHDR", ihdr)
        let idatLength = max(0, byteCount - bytes.count - 12 - 12)
        bytes += chunk("IDAT", noise(count: idatLength, seed: 7))
        bytes += chunk("IEND", [])
        return bytes
    }

    static func mp3(byteCount: Int) -> [UInt8] {
        let frameLength = 144 * 128_000 / 44_100
        let frame: [UInt8] = [0xFF, 0xFB, 0x90, 0x44] + noise(count: frameLength - 4, seed: 11)
        var bytes: [UInt8] = []
        while bytes.count + frameLength <= byteCount { bytes += frame }
        return bytes
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        bigEndian(UInt32(data.count)) + Array(type.utf8) + data + [0, 0, 0, 0]
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static func noise(count: Int, seed: UInt64) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }
}

import Foundation

/// Small real media for the demo, made in Swift without any external tool: a grayscale PNG portrait placeholder and
/// a 16-bit PCM WAV tone. Both pass the worker's probes (and the simulator's) exactly like camera and TTS output.
enum DemoMedia {
    /// The portrait of the valid sample jobs (480×600).
    static var portrait: [UInt8] { png(width: 480, height: 600) }

    /// The speech of the valid sample jobs (3 s).
    static var speech: [UInt8] { wav(seconds: 3) }

    /// The files `demo --write-samples` writes for `submit --image/--audio` (the README's quick start names them).
    static var sampleFiles: [(name: String, bytes: [UInt8])] { [("portrait.png", portrait), ("speech.wav", speech)] }

    /// A `width`×`height` 8-bit grayscale PNG: a light disc (the "head") on a vertical gradient. The pixel data is
    /// zlib-wrapped in stored (uncompressed) deflate blocks, which every PNG reader accepts.
    static func png(width: Int, height: Int) -> [UInt8] {
        var raw: [UInt8] = []
        raw.reserveCapacity((width + 1) * height)
        let radius = Double(min(width, height)) * 0.3
        for y in 0..<height {
            raw.append(0)  // filter type None
            for x in 0..<width {
                let dx = Double(x - width / 2), dy = Double(y - height * 2 / 5)
                raw.append(dx * dx + dy * dy < radius * radius ? 230 : UInt8(40 + 150 * y / max(1, height - 1)))
            }
        }
        var header: [UInt8] = []
        header += bigEndian(UInt32(width)) + bigEndian(UInt32(height))
        header += [8, 0, 0, 0, 0]  // bit depth 8, grayscale, deflate, adaptive filtering, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
            + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw)) + chunk("IEND", [])
    }

    /// A mono 16-bit PCM WAV of `seconds` of a 440 Hz tone at `sampleRate` Hz.
    static func wav(seconds: Double, sampleRate: Int = 8000) -> [UInt8] {
        let count = Int(seconds * Double(sampleRate))
        var samples: [UInt8] = []
        samples.reserveCapacity(count * 2)
        for index in 0..<count {
            let value = Int16(8000 * sin(2 * Double.pi * 440 * Double(index) / Double(sampleRate)))
            samples += littleEndian(UInt16(bitPattern: value))
        }
        var fmt: [UInt8] = littleEndian(UInt16(1)) + littleEndian(UInt16(1))  // PCM, mono
        fmt += littleEndian(UInt32(sampleRate)) + littleEndian(UInt32(sampleRate * 2))  // rate, bytes per second
        fmt += littleEndian(UInt16(2)) + littleEndian(UInt16(16))  // block align, bits per sample
        let body = Array("WAVE".utf8) + Array("fmt ".utf8) + littleEndian(UInt32(fmt.count)) + fmt
            + Array("data".utf8) + littleEndian(UInt32(samples.count)) + samples
        return Array("RIFF".utf8) + littleEndian(UInt32(body.count)) + body
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    /// zlib framing around stored deflate blocks of at most 65535 bytes, with the Adler-32 trailer.
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var start = 0
        repeat {
            let end = min(start + 65535, data.count)
            let length = UInt16(end - start)
            out.append(end == data.count ? 1 : 0)
            out += littleEndian(length) + littleEndian(~length)
            out += data[start..<end]
            start = end
        } while start < data.count
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + bigEndian(b << 16 | a)
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        ~bytes.reduce(UInt32.max) { crc, byte in crcTable[Int((crc ^ UInt32(byte)) & 0xff)] ^ (crc >> 8) }
    }

    private static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.bigEndian, Array.init)
    }

    private static func littleEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        withUnsafeBytes(of: value.littleEndian, Array.init)
    }
}

/// Names common file types from their first bytes, so an unsupported-format error can say what the file actually
/// is ("GIF", "WebP", "Ogg") instead of only what it is not.
enum MediaSniffer {
    static func describe(_ reader: ByteReader) -> String {
        if reader.count == 0 { return "empty" }
        if reader.matches("GIF8", at: 0) { return "GIF" }
        if reader.matches("RIFF", at: 0), reader.matches("WEBP", at: 8) { return "WebP" }
        if reader.matches("RIFF", at: 0), reader.matches("WAVE", at: 8) { return "WAV audio" }
        if reader.matches("BM", at: 0) { return "BMP" }
        if reader.matches("II*\u{0}", at: 0) || reader.matches("MM\u{0}*", at: 0) { return "TIFF" }
        if reader.matches("OggS", at: 0) { return "Ogg" }
        if reader.matches("fLaC", at: 0) { return "FLAC" }
        if reader.matches("ftyp", at: 4) { return "ISO media (\(reader.fourCC(8)))" }
        if reader.matches("ID3", at: 0) { return "ID3-tagged audio" }
        if reader.matches("%PDF", at: 0) { return "PDF" }
        if reader.matches("<", at: 0) { return "markup (HTML/XML/SVG)" }
        if reader.count >= 3, reader.u8(0) == 0xFF, reader.u8(1) == 0xD8, reader.u8(2) == 0xFF { return "JPEG" }
        if reader.matchesPNGSignature { return "PNG" }
        return "of an unknown type"
    }
}

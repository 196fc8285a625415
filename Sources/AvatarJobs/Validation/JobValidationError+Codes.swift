/// Every code the validator emits. `docs/validation-errors.md` lists them with their fields and meanings; the
/// agreement test checks that each is produced by at least one corpus job.
extension JobValidationError.Code {
    /// The message is not valid JSON (or has invalid UTF-8 / escapes in a string the worker reads).
    public static let notJSON = Self(rawValue: "job.not_json")
    /// The message is JSON but not an object.
    public static let notObject = Self(rawValue: "job.not_object")
    /// The message is larger than `ValidationLimits.maximumMessageBytes`.
    public static let messageTooLarge = Self(rawValue: "job.too_large")
    /// A top-level field the schema does not define.
    public static let unknownField = Self(rawValue: "job.unknown_field")
    /// A top-level field given twice (JSON parsers disagree on which copy wins, so it is refused).
    public static let duplicateField = Self(rawValue: "job.duplicate_field")
    /// A field has the wrong JSON type (e.g. a number where a string is expected).
    public static let wrongType = Self(rawValue: "job.wrong_type")

    /// `job_id` is absent.
    public static let jobIDMissing = Self(rawValue: "job_id.missing")
    /// `job_id` is empty, longer than 128 characters, or has a character outside `[A-Za-z0-9._:-]`.
    public static let jobIDInvalid = Self(rawValue: "job_id.invalid")

    /// `image` is absent.
    public static let imageMissing = Self(rawValue: "image.missing")
    /// The decoded image is larger than the limit (10 MB).
    public static let imageTooLarge = Self(rawValue: "image.too_large")
    /// The image bytes are neither PNG nor JPEG (whatever the name or data-URL type says).
    public static let imageUnsupportedFormat = Self(rawValue: "image.unsupported_format")
    /// A side of the image is shorter than the limit (300 px).
    public static let imageTooSmall = Self(rawValue: "image.too_small")
    /// Width:height is outside 1:2.5 … 2.5:1.
    public static let imageAspectRatio = Self(rawValue: "image.aspect_ratio_out_of_range")

    /// Neither `audio_id` nor `sound_file` is given.
    public static let audioMissing = Self(rawValue: "audio.missing")
    /// Both `audio_id` and `sound_file` are given.
    public static let audioConflict = Self(rawValue: "audio.conflicting_sources")
    /// `audio_id` is empty or longer than 256 characters, or has whitespace or control characters.
    public static let audioIDInvalid = Self(rawValue: "audio_id.invalid")
    /// The decoded `sound_file` is larger than the limit (5 MB).
    public static let audioTooLarge = Self(rawValue: "audio.too_large")
    /// The `sound_file` bytes are not MP3, WAV, M4A or AAC (ADTS).
    public static let audioUnsupportedFormat = Self(rawValue: "audio.unsupported_format")
    /// The audio lasts less than 2 s or more than the configured maximum (60 s by default).
    public static let audioDuration = Self(rawValue: "audio.duration_out_of_range")

    /// Inline media is not canonical padded base64 (RFC 4648 §4, no line breaks).
    public static let invalidBase64 = Self(rawValue: "media.invalid_base64")
    /// A `data:` URL that is not of the form `data:<type>[;param]*;base64,<data>`.
    public static let invalidDataURL = Self(rawValue: "media.invalid_data_url")
    /// The media ends before a header or frame it declares.
    public static let mediaTruncated = Self(rawValue: "media.truncated")
    /// The media's headers contradict themselves (impossible sizes, bad sync, box loops).
    public static let mediaCorrupt = Self(rawValue: "media.corrupt")

    /// A URL is malformed: no host, whitespace, a bad port, or longer than 2048 characters.
    public static let urlInvalid = Self(rawValue: "url.invalid")
    /// A URL whose scheme is not `http` or `https`.
    public static let urlUnsupportedScheme = Self(rawValue: "url.unsupported_scheme")
    /// A URL with `user:password@` credentials.
    public static let urlHasCredentials = Self(rawValue: "url.has_credentials")
    /// Deep validation: the host resolves to a private, loopback or link-local address.
    public static let urlForbiddenAddress = Self(rawValue: "url.forbidden_address")
    /// Deep validation: the media could not be fetched (DNS, connect, timeout, HTTP status, too many redirects).
    public static let urlFetchFailed = Self(rawValue: "url.fetch_failed")

    /// `prompt` has more than 2500 characters (Unicode code points).
    public static let promptTooLong = Self(rawValue: "prompt.too_long")
    /// `mode` is not `std` or `pro`.
    public static let modeInvalid = Self(rawValue: "mode.invalid")
    /// `external_task_id` is empty, longer than 64 characters, or outside `[A-Za-z0-9._:-]`.
    public static let externalTaskIDInvalid = Self(rawValue: "external_task_id.invalid")
    /// `deadline_seconds` is not an integer within the configured bounds (60 … 172800 by default).
    public static let deadlineOutOfRange = Self(rawValue: "deadline_seconds.out_of_range")
    /// `metadata` has more than 64 properties.
    public static let metadataTooLarge = Self(rawValue: "metadata.too_large")

    /// All codes, for documentation and coverage tests.
    public static let all: [Self] = [
        .notJSON, .notObject, .messageTooLarge, .unknownField, .duplicateField, .wrongType,
        .jobIDMissing, .jobIDInvalid,
        .imageMissing, .imageTooLarge, .imageUnsupportedFormat, .imageTooSmall, .imageAspectRatio,
        .audioMissing, .audioConflict, .audioIDInvalid, .audioTooLarge, .audioUnsupportedFormat, .audioDuration,
        .invalidBase64, .invalidDataURL, .mediaTruncated, .mediaCorrupt,
        .urlInvalid, .urlUnsupportedScheme, .urlHasCredentials, .urlForbiddenAddress, .urlFetchFailed,
        .promptTooLong, .modeInvalid, .externalTaskIDInvalid, .deadlineOutOfRange, .metadataTooLarge,
    ]
}

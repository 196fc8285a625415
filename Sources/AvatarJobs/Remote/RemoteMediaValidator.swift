/// Optional deep validation of URL media: fetches each URL image and sound file through a ``RemoteMediaFetcher``
/// and applies the same content rules as inline media, so a broken link or a 400 s clip is refused before it costs
/// an API call. Jobs are first validated by ``JobValidator``; this only adds what the URLs reveal.
public struct RemoteMediaValidator: Sendable {
    /// The content rules.
    public let validator: JobValidator
    /// How URLs are fetched.
    public let fetcher: RemoteMediaFetcher

    /// A deep validator with the given rules and fetch bounds.
    public init(validator: JobValidator = JobValidator(), fetcher: RemoteMediaFetcher = RemoteMediaFetcher()) {
        self.validator = validator
        self.fetcher = fetcher
    }

    /// `job` with probe results for its URL media, or every problem found in them.
    public func validate(_ job: ValidatedJob) async -> Result<ValidatedJob, JobValidationFailure> {
        var errors: [JobValidationError] = []
        var imageInfo = job.imageInfo
        var audioInfo = job.audioInfo
        let limits = validator.limits
        if case .url(let url) = job.job.image,
           let bytes = await fetch(url, field: "$.image", maximumBytes: limits.maximumImageBytes, tooLarge: .imageTooLarge, errors: &errors) {
            imageInfo = validator.checkImageContent(bytes, field: "$.image", errors: &errors)
        }
        if case .soundFile(.url(let url)) = job.job.audio,
           let bytes = await fetch(url, field: "$.sound_file", maximumBytes: limits.maximumAudioBytes, tooLarge: .audioTooLarge, errors: &errors) {
            audioInfo = validator.checkAudioContent(bytes, field: "$.sound_file", errors: &errors)
        }
        guard errors.isEmpty else { return .failure(JobValidationFailure(jobID: job.job.jobID, errors: errors)) }
        return .success(ValidatedJob(job: job.job, imageInfo: imageInfo, audioInfo: audioInfo,
                                     deadlineSeconds: job.deadlineSeconds, notes: job.notes))
    }

    private func fetch(
        _ url: String, field: String, maximumBytes: Int, tooLarge: JobValidationError.Code, errors: inout [JobValidationError]
    ) async -> [UInt8]? {
        do {
            return try await fetcher.fetch(url, maximumBytes: maximumBytes)
        } catch {
            let shown = URLSyntax.redacted(url)
            switch error {
            case .forbiddenAddress:
                errors.append(JobValidationError(code: .urlForbiddenAddress, field: field, message: error.description,
                                                 limit: "public addresses", valueSeen: shown))
            case .tooLarge(let limit, let seen):
                errors.append(JobValidationError(code: tooLarge, field: field, message: "the file at the URL is larger than allowed",
                                                 limit: "\(limit) bytes", valueSeen: "≥ \(seen) bytes"))
            default:
                errors.append(JobValidationError(code: .urlFetchFailed, field: field, message: error.description, valueSeen: shown))
            }
            return nil
        }
    }
}

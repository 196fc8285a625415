/// The media probes live in their own Foundation-free module so the coverage-guided fuzz targets (`scripts/fuzz`) can
/// build them with `-sanitize=fuzzer` without swift-crypto; they remain part of the job contract's API, so every
/// importer of `AvatarJobs` sees `ImageProbe`, `AudioProbe` and their results as before.
@_exported import MediaProbes

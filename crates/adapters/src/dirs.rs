//! Where opsdeck keeps its files: the platform's config, data and state directories.

/// The platform directories (config, data, state) for opsdeck.
pub fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("dev", "opsdeck", "opsdeck")
}

//! The launch template versions a group can roll back to: the group's template (from
//! DescribeAutoScalingGroups) and its versions (EC2 DescribeLaunchTemplateVersions).

use aws_sdk_autoscaling::types::{AutoScalingGroup as AwsGroup, LaunchTemplateSpecification};

use super::AwsClients;
use super::errors::classify;
use super::time::to_utc;
use crate::model::LaunchTemplateVersion;
use crate::source::{SourceError, SourceErrorKind};

/// Versions listed, newest first (the one in use is listed too when it is older).
const VERSIONS_LISTED: usize = 20;
/// DescribeLaunchTemplateVersions (Amazon EC2 API Reference): `MaxResults` "can be between 1
/// and 200"; the rest comes by `NextToken`.
const VERSIONS_PER_PAGE: i32 = 200;

/// The launch template `group` launches from: id, name and the version as the group names it
/// (`7`, `$Latest` or `$Default`).
async fn group_template(
    clients: &AwsClients,
    group: &str,
) -> Result<(String, String, String), SourceError> {
    let groups = super::auto_scaling::describe_groups(&clients.auto_scaling, &[group.to_owned()])
        .await
        .map_err(|e| classify(&e, "autoscaling:DescribeAutoScalingGroups", None))?;
    let found = groups.first().ok_or_else(|| {
        SourceError::new(SourceErrorKind::NotFound, format!("ASG {group} not found"))
    })?;
    let template = template_of(found).ok_or_else(|| {
        SourceError::new(
            SourceErrorKind::Other,
            format!("{group} does not launch from a launch template; a rollback needs one"),
        )
    })?;
    Ok((
        template.launch_template_id().unwrap_or_default().to_owned(),
        template
            .launch_template_name()
            .unwrap_or_default()
            .to_owned(),
        template.version().unwrap_or("$Default").to_owned(),
    ))
}

/// The launch template a group launches from: its own, or its mixed instances policy's.
pub fn template_of(group: &AwsGroup) -> Option<&LaunchTemplateSpecification> {
    group.launch_template().or_else(|| {
        group
            .mixed_instances_policy()
            .and_then(|policy| policy.launch_template())
            .and_then(|template| template.launch_template_specification())
    })
}

/// The versions of `group`'s launch template: the newest [`VERSIONS_LISTED`], and the one in
/// use (marked) however old. Every page is read: the answer is not ordered newest first, so
/// the first page alone may hold only the oldest versions.
pub async fn versions(
    clients: &AwsClients,
    group: &str,
) -> Result<Vec<LaunchTemplateVersion>, SourceError> {
    let (id, name, in_use) = group_template(clients, group).await?;
    let request = clients.ec2.describe_launch_template_versions();
    let request = if id.is_empty() {
        request.launch_template_name(&name)
    } else {
        request.launch_template_id(&id)
    };
    let mut pages = request
        .max_results(VERSIONS_PER_PAGE)
        .into_paginator()
        .send();
    let mut versions = Vec::new();
    let mut default = None;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "ec2:DescribeLaunchTemplateVersions", None))?;
        for version in page.launch_template_versions() {
            let number = u32::try_from(version.version_number().unwrap_or(0)).unwrap_or(0);
            if version.default_version() == Some(true) {
                default = Some(number);
            }
            versions.push(LaunchTemplateVersion {
                template_id: version.launch_template_id().unwrap_or(&id).to_owned(),
                template_name: version.launch_template_name().unwrap_or(&name).to_owned(),
                version: number,
                created_at: version.create_time().map(to_utc).unwrap_or_default(),
                description: version.version_description().map(str::to_owned),
                in_use: false,
            });
        }
    }
    Ok(newest_and_in_use(versions, &in_use, default))
}

/// Newest first, cut to [`VERSIONS_LISTED`] but keeping the version in use, marked.
fn newest_and_in_use(
    mut versions: Vec<LaunchTemplateVersion>,
    setting: &str,
    default: Option<u32>,
) -> Vec<LaunchTemplateVersion> {
    versions.sort_by_key(|v| std::cmp::Reverse(v.version));
    versions.dedup_by_key(|v| v.version);
    let used = resolve_version(setting, versions.first().map(|v| v.version), default);
    let mut listed = Vec::with_capacity(VERSIONS_LISTED + 1);
    for (index, mut version) in versions.into_iter().enumerate() {
        version.in_use = Some(version.version) == used;
        if index < VERSIONS_LISTED || version.in_use {
            listed.push(version);
        }
    }
    listed
}

/// The number a group's version setting stands for.
fn resolve_version(setting: &str, latest: Option<u32>, default: Option<u32>) -> Option<u32> {
    match setting {
        "$Latest" => latest,
        "$Default" => default,
        number => number.parse().ok(),
    }
}

/// The number `setting` stands for now: a number is itself; `$Latest` and `$Default` are
/// asked of EC2 (DescribeLaunchTemplateVersions takes them in `Versions`), since either moves
/// when someone creates a version or changes the default.
pub async fn resolve_now(
    clients: &AwsClients,
    template_id: &str,
    setting: &str,
) -> Result<Option<u32>, SourceError> {
    if !setting.starts_with('$') {
        return Ok(setting.parse().ok());
    }
    let answer = clients
        .ec2
        .describe_launch_template_versions()
        .launch_template_id(template_id)
        .versions(setting)
        .send()
        .await
        .map_err(|e| classify(&e, "ec2:DescribeLaunchTemplateVersions", None))?;
    Ok(answer
        .launch_template_versions()
        .first()
        .and_then(|version| version.version_number())
        .and_then(|number| u32::try_from(number).ok()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(number: u32) -> LaunchTemplateVersion {
        LaunchTemplateVersion {
            template_id: "lt-1".to_owned(),
            template_name: "portal".to_owned(),
            version: number,
            created_at: chrono::DateTime::default(),
            description: None,
            in_use: false,
        }
    }

    #[test]
    fn the_newest_are_listed_and_an_old_version_in_use_too() {
        let all: Vec<_> = (1..=45).map(version).collect();
        let listed = newest_and_in_use(all, "3", Some(40));
        let numbers: Vec<u32> = listed.iter().map(|v| v.version).collect();
        assert_eq!(numbers.len(), VERSIONS_LISTED + 1);
        assert_eq!(numbers.first(), Some(&45));
        assert_eq!(numbers.last(), Some(&3));
        assert!(listed.iter().filter(|v| v.in_use).all(|v| v.version == 3));
        assert_eq!(listed.iter().filter(|v| v.in_use).count(), 1);
    }

    #[test]
    fn latest_and_default_settings_mark_their_version() {
        let all: Vec<_> = (1..=5).map(version).collect();
        let marked = |setting: &str| {
            newest_and_in_use(all.clone(), setting, Some(2))
                .iter()
                .find(|v| v.in_use)
                .map(|v| v.version)
        };
        assert_eq!(marked("$Latest"), Some(5));
        assert_eq!(marked("$Default"), Some(2));
        assert_eq!(marked("4"), Some(4));
    }
}

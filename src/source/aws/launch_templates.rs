//! The launch template versions a group can roll back to: the group's template (from
//! DescribeAutoScalingGroups) and its versions (EC2 DescribeLaunchTemplateVersions).

use super::AwsClients;
use super::errors::classify;
use super::time::to_utc;
use crate::model::LaunchTemplateVersion;
use crate::source::{SourceError, SourceErrorKind};

/// Versions listed, newest first.
const VERSIONS_LISTED: i32 = 20;

/// The launch template `group` launches from: id, name and the version as the group names it
/// (`7`, `$Latest` or `$Default`).
pub async fn group_template(
    clients: &AwsClients,
    group: &str,
) -> Result<(String, String, String), SourceError> {
    let answer = clients
        .auto_scaling
        .describe_auto_scaling_groups()
        .auto_scaling_group_names(group)
        .send()
        .await
        .map_err(|e| classify(&e, "autoscaling:DescribeAutoScalingGroups", None))?;
    let found = answer.auto_scaling_groups().first().ok_or_else(|| {
        SourceError::new(SourceErrorKind::NotFound, format!("ASG {group} not found"))
    })?;
    let template = found
        .launch_template()
        .or_else(|| {
            found
                .mixed_instances_policy()
                .and_then(|policy| policy.launch_template())
                .and_then(|template| template.launch_template_specification())
        })
        .ok_or_else(|| {
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

/// The versions of `group`'s launch template, newest first, the one in use marked.
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
    let answer = request
        .max_results(VERSIONS_LISTED)
        .send()
        .await
        .map_err(|e| classify(&e, "ec2:DescribeLaunchTemplateVersions", None))?;
    let mut versions: Vec<LaunchTemplateVersion> = answer
        .launch_template_versions()
        .iter()
        .map(|version| LaunchTemplateVersion {
            template_id: version.launch_template_id().unwrap_or(&id).to_owned(),
            template_name: version.launch_template_name().unwrap_or(&name).to_owned(),
            version: u32::try_from(version.version_number().unwrap_or(0)).unwrap_or(0),
            created_at: version.create_time().map(to_utc).unwrap_or_default(),
            description: version.version_description().map(str::to_owned),
            in_use: false,
        })
        .collect();
    versions.sort_by_key(|v| std::cmp::Reverse(v.version));
    let default = answer
        .launch_template_versions()
        .iter()
        .find(|version| version.default_version() == Some(true))
        .and_then(|version| version.version_number());
    let used = resolve_version(&in_use, versions.first().map(|v| v.version), default);
    for version in &mut versions {
        version.in_use = Some(version.version) == used;
    }
    Ok(versions)
}

/// The number a group's version setting stands for.
pub fn resolve_version(setting: &str, latest: Option<u32>, default: Option<i64>) -> Option<u32> {
    match setting {
        "$Latest" => latest,
        "$Default" => default.and_then(|v| u32::try_from(v).ok()),
        number => number.parse().ok(),
    }
}

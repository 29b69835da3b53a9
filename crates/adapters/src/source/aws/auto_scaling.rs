//! Auto Scaling groups: DescribeAutoScalingGroups (100 names a call, paginated), the recent
//! scaling activities and the newest instance refresh of each group.

use aws_sdk_autoscaling::Client;
use aws_sdk_autoscaling::error::SdkError;
use aws_sdk_autoscaling::operation::describe_auto_scaling_groups::DescribeAutoScalingGroupsError;
use aws_sdk_autoscaling::types::AutoScalingGroup as AwsGroup;

use super::errors::{classify, is_not_an_aws_answer};
use super::time::to_utc;
use crate::model::{AutoScalingGroup, Instance, InstanceRefresh, LifecycleState, ScalingActivity};
use crate::source::{SourceError, SourceErrorKind};

/// DescribeAutoScalingGroups (Amazon EC2 Auto Scaling API Reference): "By default, you can
/// only specify up to 50 names. You can optionally increase this limit using the MaxRecords
/// parameter", whose maximum is 100. So a hundred names a call, with MaxRecords 100, and
/// every page read (the answer is paginated by NextToken).
const NAMES_PER_CALL: usize = 100;
const RECORDS_PER_PAGE: i32 = 100;
const ACTIVITIES_SHOWN: i32 = 10;

/// Every configured group, in configuration order. A name AWS does not know is an error that
/// names it.
///
/// `emulated` says the endpoint is not AWS (an `endpoint_url`): only then may
/// DescribeInstanceRefreshes be missing, and only when its answer is no AWS error at all.
pub async fn groups(
    client: &Client,
    names: &[String],
    emulated: bool,
) -> Result<Vec<AutoScalingGroup>, SourceError> {
    let mut found: Vec<AutoScalingGroup> = describe_groups(client, names)
        .await
        .map_err(|e| classify(&e, "autoscaling:DescribeAutoScalingGroups", None))?
        .iter()
        .map(to_group)
        .collect();
    if let Some(missing) = names
        .iter()
        .find(|name| !found.iter().any(|g: &AutoScalingGroup| &&g.name == name))
    {
        return Err(SourceError::new(
            SourceErrorKind::NotFound,
            format!("ASG {missing} not found"),
        ));
    }
    for group in &mut found {
        group.activities = activities(client, &group.name).await?;
        group.instance_refresh = newest_refresh(client, &group.name, emulated).await?;
    }
    found.sort_by_key(|group| names.iter().position(|name| *name == group.name));
    Ok(found)
}

/// Adds EC2's details to every instance of `groups` (DescribeInstances and
/// DescribeInstanceStatus, Amazon EC2 API Reference; see `instances`). A failed read (a policy without
/// `ec2:DescribeInstances`, say) leaves the groups as they are, with the reason on each, so
/// the pane keeps its Auto Scaling data and says why the details are missing.
pub async fn add_instance_details(ec2: &aws_sdk_ec2::Client, groups: &mut [AutoScalingGroup]) {
    let ids: Vec<String> = groups
        .iter()
        .flat_map(|group| group.instances.iter().map(|instance| instance.id.clone()))
        .collect();
    if ids.is_empty() {
        return;
    }
    match super::instances::details(ec2, &ids).await {
        Ok(mut details) => {
            for instance in groups.iter_mut().flat_map(|group| &mut group.instances) {
                instance.details = details.remove(&instance.id);
            }
        }
        Err(error) => {
            for group in groups {
                group.instance_details_error = Some(error.message.clone());
            }
        }
    }
}

/// The groups named, as DescribeAutoScalingGroups answers them: a hundred names a call, every
/// page read. Names AWS does not know are simply absent. Every reader of groups (the pane,
/// target discovery, the launch template lookup, the actions' preflight) goes through here.
pub async fn describe_groups(
    client: &Client,
    names: &[String],
) -> Result<Vec<AwsGroup>, SdkError<DescribeAutoScalingGroupsError>> {
    let mut found = Vec::with_capacity(names.len());
    for chunk in names.chunks(NAMES_PER_CALL) {
        let mut pages = client
            .describe_auto_scaling_groups()
            .set_auto_scaling_group_names(Some(chunk.to_vec()))
            .max_records(RECORDS_PER_PAGE)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            found.extend(page?.auto_scaling_groups().iter().cloned());
        }
    }
    Ok(found)
}

fn to_group(group: &AwsGroup) -> AutoScalingGroup {
    let count = |value: Option<i32>| u32::try_from(value.unwrap_or(0)).unwrap_or(0);
    AutoScalingGroup {
        name: group
            .auto_scaling_group_name()
            .unwrap_or_default()
            .to_owned(),
        min_size: count(group.min_size()),
        desired_capacity: count(group.desired_capacity()),
        max_size: count(group.max_size()),
        instances: group.instances().iter().map(to_instance).collect(),
        activities: Vec::new(),
        instance_refresh: None,
        instance_details_error: None,
        mixed_instances_policy: group.mixed_instances_policy().is_some(),
    }
}

fn to_instance(instance: &aws_sdk_autoscaling::types::Instance) -> Instance {
    let (template, version) = match instance.launch_template() {
        Some(template) => (
            template
                .launch_template_name()
                .unwrap_or_default()
                .to_owned(),
            template.version().unwrap_or_default().to_owned(),
        ),
        None => (
            instance
                .launch_configuration_name()
                .unwrap_or_default()
                .to_owned(),
            String::new(),
        ),
    };
    Instance {
        id: instance.instance_id().unwrap_or_default().to_owned(),
        availability_zone: instance.availability_zone().unwrap_or_default().to_owned(),
        lifecycle: LifecycleState::from_aws(instance.lifecycle_state().map_or("", |s| s.as_str())),
        healthy: instance
            .health_status()
            .is_none_or(|status| status.eq_ignore_ascii_case("healthy")),
        launch_template: template,
        launch_template_version: version,
        details: None,
    }
}

async fn activities(client: &Client, group: &str) -> Result<Vec<ScalingActivity>, SourceError> {
    let answer = client
        .describe_scaling_activities()
        .auto_scaling_group_name(group)
        .max_records(ACTIVITIES_SHOWN)
        .send()
        .await
        .map_err(|e| classify(&e, "autoscaling:DescribeScalingActivities", None))?;
    Ok(answer
        .activities()
        .iter()
        .map(|activity| ScalingActivity {
            id: activity.activity_id().unwrap_or_default().to_owned(),
            description: activity.description().unwrap_or_default().to_owned(),
            status: activity
                .status_code()
                .map_or_else(String::new, |s| s.as_str().to_owned()),
            start_time: activity.start_time().map(to_utc).unwrap_or_default(),
        })
        .collect())
}

/// The newest instance refresh (DescribeInstanceRefreshes in the Amazon EC2 Auto Scaling
/// API Reference: `MaxRecords` 1 gives the newest first). A failed read is the pane's error (a refresh under way is
/// what an on-call engineer must not miss), except on an emulator that does not serve the
/// call at all: moto answers it with an HTML page and HTTP 500, which is no AWS error.
async fn newest_refresh(
    client: &Client,
    group: &str,
    emulated: bool,
) -> Result<Option<InstanceRefresh>, SourceError> {
    let answer = match client
        .describe_instance_refreshes()
        .auto_scaling_group_name(group)
        .max_records(1)
        .send()
        .await
    {
        Ok(answer) => answer,
        Err(error) if emulated && is_not_an_aws_answer(&error) => {
            tracing::debug!("the endpoint does not serve DescribeInstanceRefreshes");
            return Ok(None);
        }
        Err(error) => {
            return Err(classify(
                &error,
                "autoscaling:DescribeInstanceRefreshes",
                None,
            ));
        }
    };
    let Some(refresh) = answer.instance_refreshes().first() else {
        return Ok(None);
    };
    Ok(Some(InstanceRefresh {
        id: refresh.instance_refresh_id().unwrap_or_default().to_owned(),
        status: refresh
            .status()
            .map_or_else(String::new, |s| s.as_str().to_owned()),
        percentage_complete: u32::try_from(refresh.percentage_complete().unwrap_or(0)).unwrap_or(0),
        instances_to_update: u32::try_from(refresh.instances_to_update().unwrap_or(0)).unwrap_or(0),
        status_reason: refresh.status_reason().map(str::to_owned),
        start_time: refresh.start_time().map(to_utc).unwrap_or_default(),
    }))
}

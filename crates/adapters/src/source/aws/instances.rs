//! The groups' instances as EC2 describes them: type, private IP, AMI, launch time, state
//! (DescribeInstances) and the system and instance status checks (DescribeInstanceStatus),
//! a hundred instances a call.

use std::collections::HashMap;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types::{Filter, Instance as AwsInstance, InstanceStatus, InstanceStatusSummary};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::errors::classify;
use super::time::to_utc;
use crate::model::{InstanceDetails, StatusChecks};
use crate::source::SourceError;

/// DescribeInstanceStatus (Amazon EC2 API Reference), `InstanceIds`: "Constraints: Maximum
/// 100 explicitly specified instance IDs". DescribeInstances' filters are asked in the same
/// batches.
const INSTANCES_PER_CALL: usize = 100;
/// DescribeInstances (Amazon EC2 API Reference): `MaxResults` "can be between 5 and 1000"
/// (allowed here because the instances are named by filter, not by `InstanceIds`).
const INSTANCES_PER_PAGE: i32 = 1000;

/// The details of every instance in `ids` that EC2 can see, by instance id.
///
/// DescribeInstances (Amazon EC2 API Reference): "If you specify an instance ID that is not
/// valid, an error is returned", and the EC2 API is eventually consistent, so an instance
/// an Auto Scaling group has just launched may not be known yet: named by `InstanceIds` it
/// would fail the whole batch. The `instance-id` filter leaves it out instead, and the
/// status checks are asked only for the instances EC2 has described.
pub async fn details(
    client: &Client,
    ids: &[String],
) -> Result<HashMap<String, InstanceDetails>, SourceError> {
    let mut found = HashMap::with_capacity(ids.len());
    for chunk in ids.chunks(INSTANCES_PER_CALL) {
        for instance in describe(client, chunk).await? {
            if let Some(id) = instance.instance_id() {
                found.insert(id.to_owned(), to_details(&instance));
            }
        }
    }
    let described: Vec<String> = found.keys().cloned().collect();
    for chunk in described.chunks(INSTANCES_PER_CALL) {
        for status in statuses(client, chunk).await? {
            let checks = status_checks(&status);
            if let (Some(id), Some(checks)) = (status.instance_id(), checks)
                && let Some(details) = found.get_mut(id)
            {
                details.status_checks = Some(checks);
            }
        }
    }
    Ok(found)
}

async fn describe(client: &Client, ids: &[String]) -> Result<Vec<AwsInstance>, SourceError> {
    let filter = Filter::builder()
        .name("instance-id")
        .set_values(Some(ids.to_vec()))
        .build();
    let mut pages = client
        .describe_instances()
        .filters(filter)
        .max_results(INSTANCES_PER_PAGE)
        .into_paginator()
        .send();
    let mut instances = Vec::with_capacity(ids.len());
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "ec2:DescribeInstances", None))?;
        for reservation in page.reservations() {
            instances.extend(reservation.instances().iter().cloned());
        }
    }
    Ok(instances)
}

/// DescribeInstanceStatus with `IncludeAllInstances` ("When true, includes the health status
/// for all instances. When false, includes the health status for running instances only").
/// An instance that vanished between the two calls (`InvalidInstanceID.NotFound`) leaves
/// this batch's checks unknown rather than failing the pane.
async fn statuses(client: &Client, ids: &[String]) -> Result<Vec<InstanceStatus>, SourceError> {
    let mut pages = client
        .describe_instance_status()
        .set_instance_ids(Some(ids.to_vec()))
        .include_all_instances(true)
        .into_paginator()
        .send();
    let mut statuses = Vec::with_capacity(ids.len());
    while let Some(page) = pages.next().await {
        match page {
            Ok(page) => statuses.extend(page.instance_statuses().iter().cloned()),
            Err(error) if error.code() == Some("InvalidInstanceID.NotFound") => {
                tracing::debug!("an instance vanished before its status was read: {error}");
                return Ok(statuses);
            }
            Err(error) => return Err(classify(&error, "ec2:DescribeInstanceStatus", None)),
        }
    }
    Ok(statuses)
}

fn to_details(instance: &AwsInstance) -> InstanceDetails {
    InstanceDetails {
        instance_type: instance
            .instance_type()
            .map_or_else(String::new, |t| t.as_str().to_owned()),
        private_ip: instance.private_ip_address().map(str::to_owned),
        image_id: instance.image_id().unwrap_or_default().to_owned(),
        launch_time: instance.launch_time().map(to_utc),
        state: instance
            .state()
            .and_then(|state| state.name())
            .map_or_else(String::new, |name| name.as_str().to_owned()),
        status_checks: None,
    }
}

/// The two checks, when EC2 reports them: an instance not running has no summaries.
fn status_checks(status: &InstanceStatus) -> Option<StatusChecks> {
    let result = |summary: Option<&InstanceStatusSummary>| {
        summary
            .and_then(|summary| summary.status())
            .map(|status| status.as_str().to_owned())
    };
    Some(StatusChecks {
        system: result(status.system_status())?,
        instance: result(status.instance_status())?,
    })
}

//! Performance Insights for the first configured RDS instance, as the runbook's PI step reads
//! it: the instance's `DbiResourceId` and `PerformanceInsightsEnabled` from DescribeDBInstances
//! (Amazon RDS API Reference), then DescribeDimensionKeys (Performance Insights API Reference)
//! for `db.load.avg` grouped by `db.wait_event` and by `db.sql_tokenized` over the last hour.
//!
//! Per "DescribeDimensionKeys": `ServiceType` is `RDS`, `Identifier` is the instance's
//! `DbiResourceId` ("db-" and 26 characters), not its name; the answer's `Keys` carry each
//! key's `Dimensions` (e.g. `db.wait_event.type`, `db.wait_event.name`) and its `Total` over
//! the window, aligned to `AlignedStartTime`/`AlignedEndTime`; more keys come by `NextToken`.

use aws_sdk_pi::types::{DimensionGroup, DimensionKeyDescription, ServiceType};

use super::errors::classify;
use super::rds::describe;
use super::time::{from_utc, to_utc};
use crate::model::{INSIGHTS_TOP, INSIGHTS_WINDOW_SECONDS, InsightsReading, LoadShare, Timestamp};
use crate::source::{SourceError, SourceErrorKind};

/// PI's database load: average active sessions ("MetricQuery", Performance Insights API
/// Reference: "db.load.avg - A scaled representation of the number of active sessions").
const LOAD_METRIC: &str = "db.load.avg";
/// The dimension groups and the dimensions read from each key ("DimensionGroup",
/// Performance Insights API Reference).
const BY_WAIT: Grouping = Grouping {
    group: "db.wait_event",
    kind: "db.wait_event.type",
    name: "db.wait_event.name",
};
const BY_STATEMENT: Grouping = Grouping {
    group: "db.sql_tokenized",
    kind: "db.sql_tokenized.id",
    name: "db.sql_tokenized.statement",
};

struct Grouping {
    group: &'static str,
    /// The dimension shown as the key's type (a wait's type, a statement's digest id).
    kind: &'static str,
    /// The dimension shown as the key's name (a wait event, a statement's text).
    name: &'static str,
}

/// The last hour's load of `instance`; an instance with Performance Insights off is an error
/// that says how to turn it on.
pub async fn reading(
    rds: &aws_sdk_rds::Client,
    pi: &aws_sdk_pi::Client,
    instances: &[String],
    now: Timestamp,
) -> Result<InsightsReading, SourceError> {
    let Some(instance) = instances.first() else {
        return Err(SourceError::new(
            SourceErrorKind::NotConfigured,
            "Performance Insights needs an RDS instance: name one in rds_instances",
        ));
    };
    let described = describe(rds, std::slice::from_ref(instance)).await?;
    let Some(found) = described
        .iter()
        .find(|i| i.db_instance_identifier() == Some(instance.as_str()))
    else {
        return Err(SourceError::new(
            SourceErrorKind::NotFound,
            format!("RDS instance {instance} not found"),
        ));
    };
    let resource_id = match (
        found.performance_insights_enabled(),
        found.dbi_resource_id(),
    ) {
        (Some(true), Some(id)) => id.to_owned(),
        _ => {
            return Err(SourceError::new(
                SourceErrorKind::NotConfigured,
                format!(
                    "Performance Insights is off on {instance}: aws rds modify-db-instance \
                     --db-instance-identifier {instance} --enable-performance-insights \
                     --apply-immediately"
                ),
            ));
        }
    };
    let start = now - chrono::Duration::seconds(INSIGHTS_WINDOW_SECONDS);
    // One grouping after the other: a minute apart at most, and a refusal of the first (no
    // permission) spares the second.
    let (waits, window) = load_by(pi, &resource_id, &BY_WAIT, start, now).await?;
    let (statements, _) = load_by(pi, &resource_id, &BY_STATEMENT, start, now).await?;
    Ok(InsightsReading {
        instance: instance.clone(),
        window,
        waits,
        statements,
        read_at: now,
    })
}

type Window = Option<(Timestamp, Timestamp)>;

/// The top keys of one grouping, heaviest first, with the window PI aligned the answer to.
async fn load_by(
    pi: &aws_sdk_pi::Client,
    resource_id: &str,
    grouping: &Grouping,
    start: Timestamp,
    end: Timestamp,
) -> Result<(Vec<LoadShare>, Window), SourceError> {
    let group = DimensionGroup::builder()
        .group(grouping.group)
        .limit(INSIGHTS_TOP)
        .build()
        .map_err(|e| SourceError::new(SourceErrorKind::Other, e.to_string()))?;
    let mut pages = pi
        .describe_dimension_keys()
        .service_type(ServiceType::Rds)
        .identifier(resource_id)
        .start_time(from_utc(start))
        .end_time(from_utc(end))
        .metric(LOAD_METRIC)
        .group_by(group)
        .into_paginator()
        .send();
    let mut shares = Vec::new();
    let mut window = None;
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "pi:DescribeDimensionKeys", None))?;
        if window.is_none()
            && let (Some(start), Some(end)) = (page.aligned_start_time(), page.aligned_end_time())
        {
            window = Some((to_utc(start), to_utc(end)));
        }
        shares.extend(page.keys().iter().filter_map(|key| share_of(key, grouping)));
    }
    shares.sort_by(|a, b| b.load.total_cmp(&a.load));
    shares.truncate(INSIGHTS_TOP as usize);
    Ok((shares, window))
}

/// One key's share; a key without a total carries no load to show.
fn share_of(key: &DimensionKeyDescription, grouping: &Grouping) -> Option<LoadShare> {
    let dimensions = key.dimensions()?;
    let dimension = |name: &str| dimensions.get(name).cloned().unwrap_or_default();
    Some(LoadShare {
        group: dimension(grouping.kind),
        name: dimension(grouping.name),
        load: key.total()?,
    })
}

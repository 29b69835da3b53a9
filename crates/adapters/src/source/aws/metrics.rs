//! CloudWatch metrics: every configured query of a period in one GetMetricData call per
//! refresh (up to 500 queries a call, paginated; one call per distinct period, each window
//! aligned on it), never one call per metric. Error rates are derived from
//! the counts, as the runbooks compute them.

use aws_sdk_cloudwatch::Client;
use aws_sdk_cloudwatch::types::{Dimension, Metric, MetricDataQuery, MetricStat, ScanBy};

use super::errors::classify;
use super::time::{from_utc, to_utc};
use crate::model::{MetricKind, MetricSeries, MetricWindow, Statistic, Timestamp, closed_periods};
use crate::source::SourceError;

/// GetMetricData takes at most this many queries in one call.
const QUERIES_PER_CALL: usize = 500;

/// Where a series comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricSource {
    /// A CloudWatch statistic, its values multiplied by `scale` (seconds to ms, ...).
    Stat {
        namespace: String,
        name: String,
        dimensions: Vec<(String, String)>,
        scale: f64,
    },
    /// 100 x (sum of the numerators) / (sum of the denominators), point by point, from other
    /// queries' results; a count missing at a timestamp is zero (CloudWatch reports a count
    /// only when it is not zero).
    Percentage {
        numerators: Vec<String>,
        denominators: Vec<String>,
    },
    /// The sum of `parts` at every timestamp where one of `over` (or a part) has a point: a
    /// count CloudWatch reports only when it is not zero is zero where the traffic it belongs
    /// to was reported.
    CountOver {
        parts: Vec<String>,
        over: Vec<String>,
    },
    /// 100 x `consumed` (a period's Sum) / (`provisioned` per second x the period), each
    /// consumed point against the newest provisioned point at or before it: DynamoDB reports
    /// provisioned capacity every 5 minutes, consumed every minute.
    CapacityPercent {
        consumed: String,
        provisioned: String,
    },
}

/// One configured metric.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricQuery {
    pub id: String,
    pub label: String,
    pub kind: MetricKind,
    pub statistic: Statistic,
    pub unit: String,
    pub period_seconds: u32,
    pub source: MetricSource,
    /// Fetched only to derive others (a rate's counts).
    pub hidden: bool,
}

/// A CloudWatch statistic as a source.
fn cloudwatch(
    (namespace, name): (&str, &str),
    dimensions: Vec<(String, String)>,
    scale: f64,
) -> MetricSource {
    MetricSource::Stat {
        namespace: namespace.to_owned(),
        name: name.to_owned(),
        dimensions,
        scale,
    }
}

fn stat(
    id: &str,
    label: &str,
    kind: MetricKind,
    statistic: Statistic,
    unit: &str,
    source: MetricSource,
) -> MetricQuery {
    MetricQuery {
        id: id.to_owned(),
        label: label.to_owned(),
        kind,
        statistic,
        unit: unit.to_owned(),
        period_seconds: 60,
        source,
        hidden: false,
    }
}

/// What the default metric set watches; empty parts add no metrics.
#[derive(Debug, Clone, Copy, Default)]
pub struct MetricTargets<'a> {
    /// Every load balancer, as its CloudWatch dimension `app/NAME/ID`.
    pub load_balancers: &'a [String],
    pub auto_scaling_groups: &'a [String],
    pub ecs_cluster: Option<&'a str>,
    pub ecs_services: &'a [String],
    pub rds_instances: &'a [String],
    pub cache_clusters: &'a [String],
    pub dynamodb_tables: &'a [String],
    /// Leave out percentile statistics (p99), for endpoints that do not serve them (moto).
    pub without_percentiles: bool,
}

/// The runbooks' metric set: ALB latency and error rates, EC2 CPU per group, ECS CPU and
/// memory per service, RDS connections, latency and CPU, ElastiCache evictions.
pub fn default_metric_queries(targets: &MetricTargets) -> Vec<MetricQuery> {
    let mut queries = alb_queries(targets.load_balancers);
    if targets.without_percentiles {
        queries.retain(|query| !matches!(query.statistic, Statistic::Percentile(_)));
    }
    queries.extend(asg_queries(targets.auto_scaling_groups));
    if let Some(cluster) = targets.ecs_cluster {
        queries.extend(ecs_queries(cluster, targets.ecs_services));
    }
    queries.extend(rds_queries(targets.rds_instances));
    queries.extend(cache_queries(targets.cache_clusters));
    queries.extend(dynamodb_queries(targets.dynamodb_tables));
    queries
}

/// Per DynamoDB table: throttle events (read + write) and consumed against provisioned
/// capacity, read and write.
///
/// "DynamoDB Metrics and dimensions" (Amazon DynamoDB Developer Guide): `ReadThrottleEvents`
/// and `WriteThrottleEvents` count throttled events (a BatchGetItem of ten items is ten),
/// reported only when there are some; `ConsumedReadCapacityUnits` is read with the Sum
/// statistic and divided by the period's seconds to compare with the provisioned throughput;
/// these are aggregated every minute, `ProvisionedReadCapacityUnits` every five. An on-demand
/// table has no provisioned capacity: its capacity series stay empty, its throttles are read.
fn dynamodb_queries(tables: &[String]) -> Vec<MetricQuery> {
    let several = tables.len() > 1;
    let mut queries = Vec::new();
    for (index, table) in tables.iter().enumerate() {
        let dimensions = vec![dimension("TableName", table)];
        let id = |base: &str| format!("ddb_{base}_{index}");
        for (base, name, statistic) in [
            ("read_throttles", "ReadThrottleEvents", Statistic::Sum),
            ("write_throttles", "WriteThrottleEvents", Statistic::Sum),
            ("read_consumed", "ConsumedReadCapacityUnits", Statistic::Sum),
            (
                "write_consumed",
                "ConsumedWriteCapacityUnits",
                Statistic::Sum,
            ),
            (
                "read_provisioned",
                "ProvisionedReadCapacityUnits",
                Statistic::Average,
            ),
            (
                "write_provisioned",
                "ProvisionedWriteCapacityUnits",
                Statistic::Average,
            ),
        ] {
            let mut query = stat(
                &id(base),
                name,
                MetricKind::Custom,
                statistic,
                "count",
                cloudwatch(("AWS/DynamoDB", name), dimensions.clone(), 1.0),
            );
            query.hidden = true;
            queries.push(query);
        }
        let derived = |base: &str, label: &str, kind, unit: &str, source| MetricQuery {
            id: id(base),
            label: labelled(label, table, several),
            kind,
            statistic: Statistic::Sum,
            unit: unit.to_owned(),
            period_seconds: 60,
            source,
            hidden: false,
        };
        queries.push(derived(
            "throttles",
            "DynamoDB throttles",
            MetricKind::DynamoThrottles,
            "count",
            MetricSource::CountOver {
                parts: vec![id("read_throttles"), id("write_throttles")],
                over: vec![id("read_consumed"), id("write_consumed")],
            },
        ));
        for direction in ["read", "write"] {
            queries.push(derived(
                &format!("{direction}_capacity"),
                &format!("DynamoDB {direction} capacity"),
                MetricKind::DynamoCapacity,
                "%",
                MetricSource::CapacityPercent {
                    consumed: id(&format!("{direction}_consumed")),
                    provisioned: id(&format!("{direction}_provisioned")),
                },
            ));
        }
    }
    queries
}

/// A label naming the resource only when there are several of its kind.
fn labelled(base: &str, resource: &str, several: bool) -> String {
    if several {
        format!("{base} {resource}")
    } else {
        base.to_owned()
    }
}

fn dimension(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

fn asg_queries(groups: &[String]) -> Vec<MetricQuery> {
    groups
        .iter()
        .enumerate()
        .map(|(index, group)| {
            stat(
                &format!("asg_cpu_{index}"),
                &labelled("EC2 CPU (ASG)", group, groups.len() > 1),
                MetricKind::Cpu,
                Statistic::Average,
                "%",
                cloudwatch(
                    ("AWS/EC2", "CPUUtilization"),
                    vec![dimension("AutoScalingGroupName", group)],
                    1.0,
                ),
            )
        })
        .collect()
}

fn ecs_queries(cluster: &str, services: &[String]) -> Vec<MetricQuery> {
    let mut queries = Vec::new();
    for (index, service) in services.iter().enumerate() {
        let dimensions = vec![
            dimension("ClusterName", cluster),
            dimension("ServiceName", service),
        ];
        for (id, label, name, kind) in [
            ("ecs_cpu", "ECS CPU", "CPUUtilization", MetricKind::Cpu),
            (
                "ecs_mem",
                "ECS memory",
                "MemoryUtilization",
                MetricKind::Memory,
            ),
        ] {
            queries.push(stat(
                &format!("{id}_{index}"),
                &format!("{label} {service}"),
                kind,
                Statistic::Average,
                "%",
                cloudwatch(("AWS/ECS", name), dimensions.clone(), 1.0),
            ));
        }
    }
    queries
}

fn rds_queries(instances: &[String]) -> Vec<MetricQuery> {
    let mut queries = Vec::new();
    let several = instances.len() > 1;
    for (index, instance) in instances.iter().enumerate() {
        let dimensions = vec![dimension("DBInstanceIdentifier", instance)];
        // RDS reports latency in seconds; the runbook's thresholds are in milliseconds.
        for (id, label, name, kind, statistic, unit, scale) in [
            (
                "rds_conn",
                "RDS connections",
                "DatabaseConnections",
                MetricKind::DbConnections,
                Statistic::Maximum,
                "conn",
                1.0,
            ),
            (
                "rds_read",
                "RDS read latency",
                "ReadLatency",
                MetricKind::DbReadLatency,
                Statistic::Average,
                "ms",
                1000.0,
            ),
            (
                "rds_write",
                "RDS write latency",
                "WriteLatency",
                MetricKind::DbWriteLatency,
                Statistic::Average,
                "ms",
                1000.0,
            ),
            (
                "rds_cpu",
                "RDS CPU",
                "CPUUtilization",
                MetricKind::DbCpu,
                Statistic::Average,
                "%",
                1.0,
            ),
        ] {
            queries.push(stat(
                &format!("{id}_{index}"),
                &labelled(label, instance, several),
                kind,
                statistic,
                unit,
                cloudwatch(("AWS/RDS", name), dimensions.clone(), scale),
            ));
        }
    }
    queries
}

fn cache_queries(clusters: &[String]) -> Vec<MetricQuery> {
    clusters
        .iter()
        .enumerate()
        .map(|(index, cluster)| {
            stat(
                &format!("cache_evictions_{index}"),
                &labelled("Cache evictions", cluster, clusters.len() > 1),
                MetricKind::CacheEvictions,
                Statistic::Sum,
                "count",
                cloudwatch(
                    ("AWS/ElastiCache", "Evictions"),
                    vec![dimension("CacheClusterId", cluster)],
                    1.0,
                ),
            )
        })
        .collect()
}

/// A metric the user configured: no runbook threshold, shown as it comes.
pub fn custom_metric_query(
    index: usize,
    label: &str,
    (namespace, name): (&str, &str),
    dimensions: Vec<(String, String)>,
    statistic: Statistic,
    period_seconds: u32,
    unit: &str,
) -> MetricQuery {
    MetricQuery {
        period_seconds,
        ..stat(
            &format!("custom_{index}"),
            label,
            MetricKind::Custom,
            statistic,
            unit,
            cloudwatch((namespace, name), dimensions, 1.0),
        )
    }
}

/// ALB response time (avg, max, p99), request count, and the 5XX/4XX rates derived from the
/// counts as the runbooks compute them, for every configured load balancer (`app/NAME/ID`);
/// the ids of the second and later carry their index.
fn alb_queries(load_balancers: &[String]) -> Vec<MetricQuery> {
    let several = load_balancers.len() > 1;
    load_balancers
        .iter()
        .enumerate()
        .flat_map(|(index, balancer)| alb_queries_for(balancer, index, several))
        .collect()
}

fn alb_queries_for(balancer: &str, index: usize, several: bool) -> Vec<MetricQuery> {
    use MetricKind as K;
    use Statistic as S;
    let id = |base: &str| {
        if index == 0 {
            base.to_owned()
        } else {
            format!("{base}_{index}")
        }
    };
    let name = balancer.split('/').nth(1).unwrap_or(balancer);
    let label = |base: &str| labelled(base, name, several);
    let mut queries = Vec::new();
    let lb = || vec![("LoadBalancer".to_owned(), balancer.to_owned())];
    let alb = |name| ("AWS/ApplicationELB", name);
    queries.push(stat(
        &id("alb_p99"),
        &label("ALB response p99"),
        K::ResponseTimeP99,
        S::Percentile(99.0),
        "ms",
        cloudwatch(alb("TargetResponseTime"), lb(), 1000.0),
    ));
    queries.push(stat(
        &id("alb_avg"),
        &label("ALB response avg"),
        K::ResponseTimeAvg,
        S::Average,
        "ms",
        cloudwatch(alb("TargetResponseTime"), lb(), 1000.0),
    ));
    queries.push(stat(
        &id("alb_max"),
        &label("ALB response max"),
        K::ResponseTimeMax,
        S::Maximum,
        "ms",
        cloudwatch(alb("TargetResponseTime"), lb(), 1000.0),
    ));
    // "CloudWatch metrics for your Application Load Balancer" (Elastic Load Balancing
    // user guide): HTTPCode_Target_5XX_Count counts only what targets answered, and the
    // 502/503/504 the load balancer returns itself (no healthy target, a target timed
    // out) are HTTPCode_ELB_5XX_Count; RequestCount counts only requests for which a
    // target was chosen. With every target down the first two are zero and only the ELB
    // count climbs: the rate is (target 5XX + ELB 5XX) / (requests + ELB 5XX), and both
    // counts are shown.
    queries.push(stat(
        &id("alb_target_5xx"),
        &label("ALB target 5XX"),
        K::Custom,
        S::Sum,
        "count",
        cloudwatch(alb("HTTPCode_Target_5XX_Count"), lb(), 1.0),
    ));
    queries.push(stat(
        &id("alb_elb_5xx"),
        &label("ALB ELB 5XX"),
        K::Custom,
        S::Sum,
        "count",
        cloudwatch(alb("HTTPCode_ELB_5XX_Count"), lb(), 1.0),
    ));
    let mut count_4xx = stat(
        &id("alb_4xx"),
        &label("ALB 4XX"),
        K::Custom,
        S::Sum,
        "count",
        cloudwatch(alb("HTTPCode_Target_4XX_Count"), lb(), 1.0),
    );
    count_4xx.hidden = true;
    queries.push(count_4xx);
    queries.push(stat(
        &id("alb_requests"),
        &label("ALB requests"),
        K::RequestCount,
        S::Sum,
        "req",
        cloudwatch(alb("RequestCount"), lb(), 1.0),
    ));
    let ids = |names: &[&str]| names.iter().map(|name| id(name)).collect();
    for (rate_id, rate_label, kind, numerators, denominators) in [
        (
            "alb_5xx_rate",
            "ALB 5XX rate",
            K::ErrorRate5xx,
            ids(&["alb_target_5xx", "alb_elb_5xx"]),
            ids(&["alb_requests", "alb_elb_5xx"]),
        ),
        (
            "alb_4xx_rate",
            "ALB 4XX rate",
            K::ErrorRate4xx,
            ids(&["alb_4xx"]),
            ids(&["alb_requests"]),
        ),
    ] {
        queries.push(MetricQuery {
            id: id(rate_id),
            label: label(rate_label),
            kind,
            statistic: S::Sum,
            unit: "%".to_owned(),
            period_seconds: 60,
            source: MetricSource::Percentage {
                numerators,
                denominators,
            },
            hidden: false,
        });
    }
    queries
}

/// How many metrics one refresh requests: the statistics, not the derived rates.
pub fn requested(queries: &[MetricQuery]) -> usize {
    queries
        .iter()
        .filter(|query| matches!(query.source, MetricSource::Stat { .. }))
        .count()
}

fn stat_name(statistic: &Statistic) -> String {
    statistic.label()
}

/// Every visible series over the closed periods of the last `window_seconds`, in one
/// GetMetricData call per period and 500 queries. `account`: the linked source account the
/// metrics live in, when they are read through a CloudWatch cross-account monitoring account.
pub async fn series(
    client: &Client,
    queries: &[MetricQuery],
    window_seconds: i64,
    account: Option<&str>,
) -> Result<Vec<MetricSeries>, SourceError> {
    let now = chrono::Utc::now();
    let bounds = |period: u32| closed_periods(now, window_seconds, i64::from(period));
    let fetched = fetch(
        client,
        queries,
        &|query| query.period_seconds,
        &bounds,
        account,
    )
    .await?;
    Ok(assemble(queries, &fetched, &|query| query.period_seconds))
}

/// Every visible series over `window` (a time range's first fetch, or the periods closed
/// since the last), each at the window's period or its own if coarser: the same calls as
/// [`series`], over other bounds. GetMetricData (Amazon CloudWatch API Reference) answers a
/// start older than 3 hours only at the periods its retention keeps, which the window's
/// period already respects (`opsdeck_core::model::window_period`).
pub async fn series_over(
    client: &Client,
    queries: &[MetricQuery],
    window: MetricWindow,
    account: Option<&str>,
) -> Result<Vec<MetricSeries>, SourceError> {
    let period_of = |query: &MetricQuery| query.period_seconds.max(window.period_seconds);
    let span = (window.end - window.start).num_seconds();
    // A coarser period is aligned on its own boundaries, ending where the window ends.
    let bounds = |period: u32| closed_periods(window.end, span, i64::from(period));
    let fetched = fetch(client, queries, &period_of, &bounds, account).await?;
    Ok(assemble(queries, &fetched, &period_of))
}

/// The visible series from the fetched statistics, rates derived point by point.
fn assemble(
    queries: &[MetricQuery],
    fetched: &[(String, Points)],
    period_of: &(dyn Fn(&MetricQuery) -> u32 + Sync),
) -> Vec<MetricSeries> {
    queries
        .iter()
        .filter(|query| !query.hidden)
        .map(|query| {
            let (timestamps, values) = match &query.source {
                MetricSource::Stat { .. } => fetched_points(fetched, &query.id),
                MetricSource::Percentage {
                    numerators,
                    denominators,
                } => percentage(&summed(fetched, numerators), &summed(fetched, denominators)),
                MetricSource::CountOver { parts, over } => count_over(fetched, parts, over),
                MetricSource::CapacityPercent {
                    consumed,
                    provisioned,
                } => capacity_percent(
                    &fetched_points(fetched, consumed),
                    &fetched_points(fetched, provisioned),
                    period_of(query),
                ),
            };
            MetricSeries {
                id: query.id.clone(),
                label: query.label.clone(),
                kind: query.kind,
                statistic: query.statistic.clone(),
                unit: query.unit.clone(),
                period_seconds: period_of(query),
                timestamps,
                values,
            }
        })
        .collect()
}

type Points = (Vec<Timestamp>, Vec<f64>);

fn fetched_points(fetched: &[(String, Points)], id: &str) -> Points {
    fetched
        .iter()
        .find(|(query, _)| query == id)
        .map(|(_, points)| points.clone())
        .unwrap_or_default()
}

/// The series of `ids` added point by point over the union of their timestamps (a count
/// missing at a timestamp is zero).
fn summed(fetched: &[(String, Points)], ids: &[String]) -> Points {
    let mut sums: std::collections::BTreeMap<Timestamp, f64> = std::collections::BTreeMap::new();
    for id in ids {
        let (timestamps, values) = fetched_points(fetched, id);
        for (at, value) in timestamps.into_iter().zip(values) {
            *sums.entry(at).or_default() += value;
        }
    }
    sums.into_iter().unzip()
}

/// The sum of `parts` at every timestamp of `over` and of the parts themselves, a part
/// missing there being zero.
fn count_over(fetched: &[(String, Points)], parts: &[String], over: &[String]) -> Points {
    let mut sums: std::collections::BTreeMap<Timestamp, f64> = summed(fetched, over)
        .0
        .into_iter()
        .map(|at| (at, 0.0))
        .collect();
    let (timestamps, values) = summed(fetched, parts);
    for (at, value) in timestamps.into_iter().zip(values) {
        *sums.entry(at).or_default() += value;
    }
    sums.into_iter().unzip()
}

/// Each consumed point as a percent of the newest provisioned point at or before it (or the
/// first one, when the window starts between two), per second over `period_seconds`.
fn capacity_percent(consumed: &Points, provisioned: &Points, period_seconds: u32) -> Points {
    let mut out: Points = (Vec::new(), Vec::new());
    for (at, used) in consumed.0.iter().zip(&consumed.1) {
        let newest = provisioned.0.partition_point(|t| t <= at);
        let Some(units) = provisioned
            .1
            .get(newest.saturating_sub(1))
            .filter(|units| **units > 0.0)
        else {
            continue;
        };
        out.0.push(*at);
        out.1
            .push(100.0 * used / (units * f64::from(period_seconds.max(1))));
    }
    out
}

/// 100 x numerator / denominator at each timestamp where the denominator is above zero (a
/// missing numerator is zero).
fn percentage(numerator: &Points, denominator: &Points) -> Points {
    let mut out: Points = (Vec::new(), Vec::new());
    for (at, total) in denominator.0.iter().zip(&denominator.1) {
        let part = numerator
            .0
            .iter()
            .position(|t| t == at)
            .map_or(0.0, |index| numerator.1[index]);
        if *total > 0.0 {
            out.0.push(*at);
            out.1.push(100.0 * part / total);
        }
    }
    out
}

/// The statistics' datapoints, one call per period (each over `bounds` of its period) and
/// 500 queries: GetMetricData is billed per metric requested, not per call.
async fn fetch(
    client: &Client,
    queries: &[MetricQuery],
    period_of: &(dyn Fn(&MetricQuery) -> u32 + Sync),
    bounds: &(dyn Fn(u32) -> (Timestamp, Timestamp) + Sync),
    account: Option<&str>,
) -> Result<Vec<(String, Points)>, SourceError> {
    let mut by_period: std::collections::BTreeMap<u32, Vec<&MetricQuery>> =
        std::collections::BTreeMap::new();
    for query in queries
        .iter()
        .filter(|q| matches!(q.source, MetricSource::Stat { .. }))
    {
        by_period.entry(period_of(query)).or_default().push(query);
    }
    let mut out: Vec<(String, Points)> = Vec::new();
    for (period, stats) in by_period {
        for chunk in stats.chunks(QUERIES_PER_CALL) {
            fetch_chunk(client, chunk, period, bounds(period), account, &mut out).await?;
        }
    }
    for (_, points) in &mut out {
        sort_points(points);
    }
    Ok(out)
}

/// One GetMetricData call (every page of it) for up to 500 statistics.
async fn fetch_chunk(
    client: &Client,
    chunk: &[&MetricQuery],
    period: u32,
    (start, end): (Timestamp, Timestamp),
    account: Option<&str>,
    out: &mut Vec<(String, Points)>,
) -> Result<(), SourceError> {
    let data_queries: Vec<MetricDataQuery> = chunk
        .iter()
        .enumerate()
        .map(|(index, query)| to_data_query(index, query, period, account))
        .collect();
    let mut pages = client
        .get_metric_data()
        .set_metric_data_queries(Some(data_queries))
        .start_time(from_utc(start))
        .end_time(from_utc(end))
        .scan_by(ScanBy::TimestampAscending)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(|e| classify(&e, "cloudwatch:GetMetricData", None))?;
        for result in page.metric_data_results() {
            let Some(index) = result
                .id()
                .and_then(|id| id.strip_prefix('m'))
                .and_then(|n| n.parse::<usize>().ok())
            else {
                continue;
            };
            let Some(query) = chunk.get(index) else {
                continue;
            };
            let scale = match &query.source {
                MetricSource::Stat { scale, .. } => *scale,
                _ => 1.0,
            };
            let position = match out.iter().position(|(id, _)| *id == query.id) {
                Some(position) => position,
                None => {
                    out.push((query.id.clone(), (Vec::new(), Vec::new())));
                    out.len() - 1
                }
            };
            // A datapoint whose period is not over by `end` is partial; CloudWatch sends none
            // past an aligned `EndTime`, and none is ever compared with a threshold.
            let period = chrono::Duration::seconds(i64::from(period));
            let entry = &mut out[position].1;
            for (at, value) in result.timestamps().iter().zip(result.values()) {
                let at = to_utc(at);
                if at + period <= end {
                    entry.0.push(at);
                    entry.1.push(value * scale);
                }
            }
        }
    }
    Ok(())
}

/// Ascending by time (pages may interleave).
fn sort_points(points: &mut Points) {
    let mut pairs: Vec<(Timestamp, f64)> = points
        .0
        .iter()
        .copied()
        .zip(points.1.iter().copied())
        .collect();
    pairs.sort_by_key(|(at, _)| *at);
    *points = pairs.into_iter().unzip();
}

/// One statistic as a MetricDataQuery. `AccountId` names the source account when the call is
/// made in a monitoring account ("The ID of the account where the metrics are located. If you
/// are performing a GetMetricData operation in a monitoring account, use this to specify which
/// account to retrieve this metric from", MetricDataQuery, Amazon CloudWatch API Reference).
fn to_data_query(
    index: usize,
    query: &MetricQuery,
    period: u32,
    account: Option<&str>,
) -> MetricDataQuery {
    let MetricSource::Stat {
        namespace,
        name,
        dimensions,
        ..
    } = &query.source
    else {
        return MetricDataQuery::builder().id(format!("m{index}")).build();
    };
    let metric = Metric::builder()
        .namespace(namespace)
        .metric_name(name)
        .set_dimensions(Some(
            dimensions
                .iter()
                .map(|(name, value)| Dimension::builder().name(name).value(value).build())
                .collect(),
        ))
        .build();
    MetricDataQuery::builder()
        .id(format!("m{index}"))
        .set_account_id(account.map(str::to_owned))
        .metric_stat(
            MetricStat::builder()
                .metric(metric)
                .period(i32::try_from(period).unwrap_or(60))
                .stat(stat_name(&query.statistic))
                .build(),
        )
        .return_data(true)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> Timestamp {
        chrono::DateTime::from_timestamp(1_800_000_000 + minute * 60, 0).unwrap_or_default()
    }

    fn points(values: &[(i64, f64)]) -> Points {
        values
            .iter()
            .map(|(minute, value)| (at(*minute), *value))
            .unzip()
    }

    /// "CloudWatch metrics for your Application Load Balancer": with every target down the
    /// targets answer nothing (no target 5XX, no RequestCount: zero counts are not reported)
    /// and the load balancer's own 503s are HTTPCode_ELB_5XX_Count: the rate is 100 %.
    #[test]
    fn the_5xx_rate_counts_the_load_balancers_own_errors() {
        let queries = default_metric_queries(&MetricTargets {
            load_balancers: &["app/portal/50dc6c495c0c9188".to_owned()],
            ..MetricTargets::default()
        });
        let rate = queries.iter().find(|q| q.id == "alb_5xx_rate").unwrap();
        let MetricSource::Percentage {
            numerators,
            denominators,
        } = &rate.source
        else {
            panic!("{rate:?}")
        };
        let fetched = vec![("alb_elb_5xx".to_owned(), points(&[(0, 120.0), (1, 80.0)]))];
        let (_, values) = percentage(
            &summed(&fetched, numerators),
            &summed(&fetched, denominators),
        );
        assert_eq!(values, [100.0, 100.0]);

        // Partly down: 30 target 5XX and 10 ELB 5XX of 990 target answers + 10 ELB answers.
        let fetched = vec![
            ("alb_target_5xx".to_owned(), points(&[(0, 30.0)])),
            ("alb_elb_5xx".to_owned(), points(&[(0, 10.0)])),
            ("alb_requests".to_owned(), points(&[(0, 990.0)])),
        ];
        let (_, values) = percentage(
            &summed(&fetched, numerators),
            &summed(&fetched, denominators),
        );
        assert_eq!(values, [4.0]);
    }

    /// Issue 12, item 7: every configured load balancer is charted, not just the first, each
    /// rate from its own counts.
    #[test]
    fn every_load_balancer_is_charted() {
        let balancers = [
            "app/portal/50dc6c495c0c9188".to_owned(),
            "app/admin/73e2d6bc24d8a067".to_owned(),
        ];
        let queries = default_metric_queries(&MetricTargets {
            load_balancers: &balancers,
            ..MetricTargets::default()
        });
        let p99: Vec<(&str, &str)> = queries
            .iter()
            .filter(|q| q.kind == MetricKind::ResponseTimeP99)
            .map(|q| (q.id.as_str(), q.label.as_str()))
            .collect();
        assert_eq!(
            p99,
            [
                ("alb_p99", "ALB response p99 portal"),
                ("alb_p99_1", "ALB response p99 admin")
            ]
        );
        let admin_rate = queries.iter().find(|q| q.id == "alb_5xx_rate_1").unwrap();
        assert_eq!(
            admin_rate.source,
            MetricSource::Percentage {
                numerators: vec!["alb_target_5xx_1".to_owned(), "alb_elb_5xx_1".to_owned()],
                denominators: vec!["alb_requests_1".to_owned(), "alb_elb_5xx_1".to_owned()],
            }
        );
    }

    /// "DynamoDB Metrics and dimensions": throttle events are reported only when some
    /// happened (zero where traffic was), consumed capacity is a minute's Sum over the
    /// provisioned per-second figure, which comes every five minutes.
    #[test]
    fn dynamodb_throttles_count_zero_where_traffic_was_and_capacity_holds_the_provisioned() {
        let queries = default_metric_queries(&MetricTargets {
            dynamodb_tables: &["sessions".to_owned()],
            ..MetricTargets::default()
        });
        let visible: Vec<&str> = queries
            .iter()
            .filter(|q| !q.hidden)
            .map(|q| q.label.as_str())
            .collect();
        assert_eq!(
            visible,
            [
                "DynamoDB throttles",
                "DynamoDB read capacity",
                "DynamoDB write capacity"
            ]
        );
        let fetched = vec![
            (
                "ddb_read_consumed_0".to_owned(),
                points(&[(0, 600.0), (1, 1200.0), (2, 3000.0)]),
            ),
            ("ddb_write_throttles_0".to_owned(), points(&[(2, 7.0)])),
            ("ddb_read_provisioned_0".to_owned(), points(&[(0, 50.0)])),
        ];
        assert_eq!(
            count_over(
                &fetched,
                &[
                    "ddb_read_throttles_0".to_owned(),
                    "ddb_write_throttles_0".to_owned()
                ],
                &[
                    "ddb_read_consumed_0".to_owned(),
                    "ddb_write_consumed_0".to_owned()
                ],
            )
            .1,
            [0.0, 0.0, 7.0]
        );
        // 600 units in a minute is 10 a second: 20 % of 50.
        let (_, percent) = capacity_percent(
            &fetched_points(&fetched, "ddb_read_consumed_0"),
            &fetched_points(&fetched, "ddb_read_provisioned_0"),
            60,
        );
        assert_eq!(percent, [20.0, 40.0, 100.0]);
        let on_demand = capacity_percent(
            &fetched_points(&fetched, "ddb_read_consumed_0"),
            &(Vec::new(), Vec::new()),
            60,
        );
        assert!(
            on_demand.0.is_empty(),
            "an on-demand table has no provisioned capacity"
        );
    }

    #[test]
    fn both_5xx_counts_are_shown() {
        let queries = default_metric_queries(&MetricTargets {
            load_balancers: &["app/portal/50dc6c495c0c9188".to_owned()],
            ..MetricTargets::default()
        });
        for id in ["alb_target_5xx", "alb_elb_5xx"] {
            let query = queries.iter().find(|q| q.id == id).unwrap();
            assert!(!query.hidden, "{id}");
        }
    }
}

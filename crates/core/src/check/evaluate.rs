//! One function per check: from the snapshot to a status, the value seen and the evidence.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::finding::{Finding, status_of};
use super::{CHECKS, CheckId, CheckInput, CheckResult, CheckSpec, Status};
use crate::config::{Limit, Thresholds};
use crate::format;
use crate::model::BulkRule;
use crate::model::Snapshot;
use crate::model::SourceKind;
use crate::model::{AlarmState, DbSession, MetricKind, TargetState, Timestamp};

/// Every check against `input`.
pub fn evaluate(input: &CheckInput, thresholds: &Thresholds) -> Vec<CheckResult> {
    evaluate_parts(
        &input.snapshot,
        input.at,
        &input.unread,
        &input.unconfigured,
        thresholds,
    )
}

/// Every check against `snapshot`, with the sources that could not be read and those the
/// environment does not configure (the dashboard keeps these apart).
pub fn evaluate_parts(
    snapshot: &Snapshot,
    at: Option<Timestamp>,
    unread: &BTreeMap<SourceKind, String>,
    unconfigured: &BTreeMap<SourceKind, String>,
    thresholds: &Thresholds,
) -> Vec<CheckResult> {
    CHECKS
        .iter()
        .map(|spec| {
            let entry = thresholds
                .check_overrides
                .iter()
                .find(|entry| entry.id == spec.id.as_str());
            let configured: Vec<SourceKind> = spec
                .sources()
                .filter(|source| !unconfigured.contains_key(source))
                .collect();
            let unread_source = configured
                .iter()
                .find_map(|source| unread.get(source).map(|why| (*source, why)));
            let finding = if entry.is_some_and(|entry| !entry.enabled) {
                Finding::skip("disabled in the config ([[checks]] enabled = false)")
            } else if configured.is_empty() {
                let why = unconfigured.get(&spec.source).cloned().unwrap_or_default();
                Finding::skip(why)
            } else if let Some((source, why)) = unread_source {
                Finding::unknown(
                    format!("{} could not be read: {why}", source_name(source)),
                    "",
                )
            } else {
                find(
                    spec,
                    snapshot,
                    at,
                    &with_override(thresholds, spec.id, entry),
                )
            };
            CheckResult {
                id: spec.id.as_str(),
                title: spec.title,
                status: finding.status,
                observed: finding.observed,
                threshold: finding.threshold,
                evidence: finding.evidence,
                runbook: spec.runbook,
                rows: finding.rows,
            }
        })
        .collect()
}

/// The `[thresholds]` limit a check's verdict rests on, if it rests on one: the one place
/// that ties check ids to limits.
/// The thresholds with one check's own limits from `[[checks]]` in place; borrowed as they
/// are (no copy on every poll) when the check has no entry or no limits of its own.
fn with_override<'a>(
    thresholds: &'a Thresholds,
    id: CheckId,
    entry: Option<&crate::config::CheckOverride>,
) -> Cow<'a, Thresholds> {
    let Some(entry) = entry.filter(|e| e.warn.is_some() || e.fail.is_some()) else {
        return Cow::Borrowed(thresholds);
    };
    let mut owned = thresholds.clone();
    if let Some(limit) = owned.limit_of_check(id) {
        if let Some(warn) = entry.warn {
            limit.warn = warn;
        }
        if let Some(fail) = entry.fail {
            limit.crit = fail;
        }
    }
    Cow::Owned(owned)
}

fn source_name(kind: SourceKind) -> &'static str {
    match kind {
        SourceKind::AutoScaling => "Auto Scaling",
        SourceKind::Targets => "target health",
        SourceKind::Health => "the health URLs",
        SourceKind::Metrics => "CloudWatch metrics",
        SourceKind::Alarms => "CloudWatch alarms",
        SourceKind::Logs => "CloudWatch Logs",
        SourceKind::Ecs => "ECS",
        SourceKind::Database => "PostgreSQL",
        SourceKind::Rds => "the RDS API",
        SourceKind::Certificates => "the certificates (ACM)",
        SourceKind::Cache => "ElastiCache",
        SourceKind::AwsHealth => "AWS Health",
    }
}

fn find(
    spec: &CheckSpec,
    snapshot: &Snapshot,
    at: Option<Timestamp>,
    thresholds: &Thresholds,
) -> Finding {
    use MetricKind as K;
    match spec.id {
        CheckId::AsgInService => asg_in_service(snapshot),
        CheckId::TargetsHealthy => targets_healthy(snapshot),
        CheckId::HealthEndpoint => health_endpoint(snapshot),
        CheckId::CertificateExpiry => certificate_expiry(snapshot, at, thresholds),
        CheckId::LatencyP99 => metric(snapshot, &[K::ResponseTimeP99], thresholds.latency_p99_ms),
        CheckId::ErrorRate5xx => metric(
            snapshot,
            &[K::ErrorRate5xx],
            thresholds.error_rate_5xx_percent,
        ),
        CheckId::ErrorRate4xx => metric(
            snapshot,
            &[K::ErrorRate4xx],
            thresholds.error_rate_4xx_percent,
        ),
        CheckId::Cpu => metric(snapshot, &[K::Cpu], thresholds.cpu_percent),
        CheckId::Memory => metric(snapshot, &[K::Memory], thresholds.memory_percent),
        CheckId::EcsRunning => ecs_running(snapshot, at, thresholds.ecs_pending_grace_seconds),
        CheckId::Alarms => alarms(snapshot),
        CheckId::DbConnections => db_connections(snapshot, thresholds.db_connections),
        CheckId::DbLongQueries => db_long_queries(snapshot, thresholds.long_query_seconds),
        CheckId::DbIdleConnections => db_idle(snapshot, thresholds.idle_session_seconds),
        CheckId::DbLatency => metric(
            snapshot,
            &[K::DbReadLatency, K::DbWriteLatency],
            thresholds.db_latency_ms,
        ),
        CheckId::DbInstanceAvailable => super::rds::db_instance_available(&snapshot.rds),
        CheckId::ReplicaLag => {
            super::rds::replica_lag(&snapshot.rds, thresholds.replica_lag_seconds)
        }
        CheckId::DbStorage => {
            super::rds::db_storage(&snapshot.rds, thresholds.db_storage_used_percent)
        }
        CheckId::DynamoThrottling => worse(
            metric(
                snapshot,
                &[K::DynamoThrottles],
                thresholds.dynamodb_throttles,
            ),
            dynamo_capacity(snapshot, thresholds),
        ),
        CheckId::CacheEvictions => {
            metric(snapshot, &[K::CacheEvictions], thresholds.cache_evictions)
        }
        CheckId::LogErrors => log_errors(snapshot, thresholds.log_errors),
    }
}

/// The worst newest value of the series of `kinds` against `limit`.
/// Consumed against provisioned capacity; none read at all is an on-demand table (it has no
/// provisioned capacity), not an unknown.
fn dynamo_capacity(snapshot: &Snapshot, thresholds: &Thresholds) -> Finding {
    let capacity = |series: &&crate::model::MetricSeries| series.kind == MetricKind::DynamoCapacity;
    if snapshot
        .metrics
        .iter()
        .filter(capacity)
        .all(|s| s.values.is_empty())
    {
        return Finding::skip("no provisioned capacity read (an on-demand table has none)");
    }
    metric(
        snapshot,
        &[MetricKind::DynamoCapacity],
        thresholds.dynamodb_capacity_percent,
    )
}

/// The worse of two findings on one check (a skipped one never hides the other); the
/// evidence of both.
fn worse(a: Finding, b: Finding) -> Finding {
    let (mut first, second) = match (a.status, b.status) {
        (Status::Skip, _) => return b,
        (_, Status::Skip) => return a,
        (x, y) if y > x => (b, a),
        _ => (a, b),
    };
    first.evidence.extend(second.evidence);
    first
}

fn metric(snapshot: &Snapshot, kinds: &[MetricKind], limit: Limit) -> Finding {
    let series: Vec<_> = snapshot
        .metrics
        .iter()
        .filter(|series| kinds.contains(&series.kind))
        .collect();
    let unit = series.first().map_or("", |s| s.unit.as_str());
    let threshold = format!(
        "≤ {} (warn above, fail above {})",
        format::value(limit.warn, unit),
        format::value(limit.crit, unit)
    );
    let latest: Vec<(&str, f64, &str)> = series
        .iter()
        .filter_map(|s| s.latest().map(|v| (s.label.as_str(), v, s.unit.as_str())))
        .collect();
    let Some((label, worst, unit)) = latest.iter().copied().max_by(|a, b| a.1.total_cmp(&b.1))
    else {
        if series.is_empty() {
            return Finding::skip("no such metric is configured for this environment");
        }
        return Finding::unknown("no datapoints in the window", threshold);
    };
    Finding {
        status: status_of(limit.level(worst)),
        observed: format!("{} ({label})", format::value(worst, unit)),
        threshold,
        evidence: latest
            .iter()
            .map(|(label, value, unit)| format!("{label}: {}", format::value(*value, unit)))
            .collect(),
        rows: Vec::new(),
    }
}

fn asg_in_service(snapshot: &Snapshot) -> Finding {
    let threshold = "InService = desired".to_owned();
    if snapshot.auto_scaling.is_empty() {
        return Finding::skip("no Auto Scaling group is configured");
    }
    let mut status = Status::Pass;
    let mut evidence = Vec::new();
    let mut rows = Vec::new();
    for group in &snapshot.auto_scaling {
        let in_service = group.in_service_count();
        let desired = group.desired_capacity as usize;
        if in_service != desired {
            // A group still launching toward desired is converging, not broken.
            let converging = group
                .activities
                .iter()
                .any(|a| a.status == "InProgress" || a.status == "PreInService")
                || group
                    .instance_refresh
                    .as_ref()
                    .is_some_and(|r| r.status == "InProgress");
            status = status.max(if converging {
                Status::Warn
            } else {
                Status::Fail
            });
            evidence.push(format!(
                "{} InService {in_service}/{desired}{}",
                group.name,
                if converging {
                    " (scaling in progress)"
                } else {
                    ""
                }
            ));
            rows.extend(
                group
                    .instances
                    .iter()
                    .filter(|i| i.lifecycle != crate::model::LifecycleState::InService)
                    .map(|i| i.id.clone()),
            );
        }
    }
    let observed = snapshot
        .auto_scaling
        .iter()
        .map(|g| format!("{}/{}", g.in_service_count(), g.desired_capacity))
        .collect::<Vec<_>>()
        .join(", ");
    Finding {
        status,
        observed: format!("InService {observed}"),
        threshold,
        evidence,
        rows,
    }
}

/// Every health URL answers 2xx: a non-2xx answer (a redirect not followed included), a
/// timeout or no connection fails, as the SEV-1 runbook's `curl -v .../health` would.
fn health_endpoint(snapshot: &Snapshot) -> Finding {
    let probes = &snapshot.health;
    if probes.is_empty() {
        return Finding::skip("no health URLs configured");
    }
    let healthy = probes.iter().filter(|probe| probe.is_healthy()).count();
    let evidence = probes
        .iter()
        .filter(|probe| !probe.is_healthy())
        .map(|probe| format!("{}: {}", probe.url, probe_failure_text(probe)))
        .collect();
    Finding {
        status: if healthy == probes.len() {
            Status::Pass
        } else {
            Status::Fail
        },
        observed: format!("{healthy}/{} answer 2xx", probes.len()),
        threshold: "every health URL answers 2xx".to_owned(),
        evidence,
        rows: Vec::new(),
    }
}

/// Every certificate seen: ACM's (the load balancers' listeners and `certificate_arns`) and
/// those the health URLs present. Fewer than `certificate_warn_days` left warns, fewer than
/// `certificate_fail_days` fails (the runbook renews at 30 days); an ACM certificate that is
/// not `ISSUED`, or whose renewal waits on someone (imported, or pending validation or
/// failed) inside the warning window, says so. A URL that did not complete a TLS handshake
/// shows no certificate; `health_endpoint` fails for it.
fn certificate_expiry(
    snapshot: &Snapshot,
    at: Option<Timestamp>,
    thresholds: &Thresholds,
) -> Finding {
    use crate::model::ProbeOutcome;
    let (warn, fail) = (
        i64::from(thresholds.certificate_warn_days),
        i64::from(thresholds.certificate_fail_days),
    );
    let threshold = format!("≥ {warn} days left (warn below, fail below {fail})");
    let Some(now) = at else {
        return Finding::unknown("no time of reading", threshold);
    };
    // (what, days left, why it needs attention beyond its days)
    let mut seen: Vec<(String, i64, Option<String>)> = snapshot
        .health
        .iter()
        .filter_map(|probe| match &probe.outcome {
            ProbeOutcome::Answered(answer) => answer
                .tls
                .as_ref()
                .map(|tls| (probe.url.clone(), tls.days_left(now), None)),
            ProbeOutcome::Failed(_) => None,
        })
        .collect();
    let mut broken = Vec::new();
    for certificate in &snapshot.certificates {
        let name = format!("{} ({})", certificate.domain, certificate.arn);
        match certificate.days_left(now) {
            Some(days) if certificate.status == "ISSUED" || certificate.status == "EXPIRED" => {
                let renewal = certificate.renewal_needs_someone().then(|| {
                    format!(
                        "renewal {}",
                        certificate
                            .renewal_status
                            .as_deref()
                            .unwrap_or("by hand (imported)")
                    )
                });
                seen.push((name, days, renewal));
            }
            _ => broken.push(format!("{name}: status {}", certificate.status)),
        }
    }
    let Some(soonest) = seen.iter().map(|(_, days, _)| *days).min() else {
        if !broken.is_empty() {
            return Finding {
                status: Status::Fail,
                observed: "no issued certificate".to_owned(),
                threshold,
                evidence: broken,
                rows: Vec::new(),
            };
        }
        return Finding {
            observed: "no certificate seen".to_owned(),
            ..Finding::skip(
                "no https health URL answered with a certificate, and no ACM certificate is in use",
            )
        };
    };
    let status = if soonest < fail || !broken.is_empty() {
        Status::Fail
    } else if soonest < warn {
        Status::Warn
    } else {
        Status::Pass
    };
    let mut evidence: Vec<String> = seen
        .iter()
        .filter(|(_, days, _)| *days < warn)
        .map(|(what, days, renewal)| {
            let renewal = renewal
                .as_deref()
                .map_or_else(String::new, |r| format!("; {r}"));
            format!("{what}: expires in {days} days{renewal}")
        })
        .collect();
    evidence.extend(broken);
    Finding {
        status,
        observed: format!("{soonest} days left (soonest of {})", seen.len()),
        threshold,
        evidence,
        rows: Vec::new(),
    }
}

/// Why a probe is not healthy, in words.
fn probe_failure_text(probe: &crate::model::HealthProbe) -> String {
    use crate::model::ProbeOutcome;
    match &probe.outcome {
        ProbeOutcome::Failed(failure) => failure.message.clone(),
        ProbeOutcome::Answered(answer) => match &answer.redirect_to {
            Some(location) => format!(
                "{} redirect to {location} (not followed: health_follow_redirects)",
                answer.status
            ),
            None => format!("answered {}", answer.status),
        },
    }
}

fn targets_healthy(snapshot: &Snapshot) -> Finding {
    let threshold = "every target healthy".to_owned();
    let targets: Vec<_> = snapshot
        .targets
        .iter()
        .flat_map(|group| group.targets.iter().map(move |t| (group, t)))
        .collect();
    if targets.is_empty() {
        return Finding::skip("no target group, or none with a registered target");
    }
    let healthy = targets
        .iter()
        .filter(|(_, t)| t.state == TargetState::Healthy)
        .count();
    let mut status = Status::Pass;
    let mut evidence = Vec::new();
    let mut rows = Vec::new();
    for (group, target) in &targets {
        let level = match target.state {
            TargetState::Healthy => continue,
            TargetState::Unhealthy | TargetState::Unavailable => Status::Fail,
            _ => Status::Warn,
        };
        status = status.max(level);
        rows.push(format!(
            "{}:{}:{}",
            group.target_group_name, target.id, target.port
        ));
        evidence.push(format!(
            "{} {} {}{}",
            group.target_group_name,
            target.id,
            target.state.as_str(),
            target
                .reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ));
    }
    Finding {
        status,
        observed: format!("{healthy}/{} healthy", targets.len()),
        threshold,
        evidence,
        rows,
    }
}

/// Running = desired for every service. An empty service (desired > 0, none running) fails
/// whatever is pending; pending tasks excuse a shortfall only while the deployment changed
/// less than the grace ago (unknown when: "Deployment - Amazon Elastic Container Service"
/// gives `updatedAt`/`createdAt`, both optional).
fn ecs_running(snapshot: &Snapshot, at: Option<Timestamp>, grace_seconds: u64) -> Finding {
    let threshold = "running = desired".to_owned();
    if snapshot.ecs.is_empty() {
        return Finding::skip("no ECS service is configured");
    }
    let mut status = Status::Pass;
    let mut evidence = Vec::new();
    let mut rows = Vec::new();
    for service in &snapshot.ecs {
        if service.running_count == service.desired_count {
            continue;
        }
        let pending_for = service
            .primary()
            .and_then(|primary| primary.updated_at)
            .zip(at)
            .map(|(since, now)| format::seconds_between(since, now).max(0).unsigned_abs());
        let (verdict, why) = if service.running_count == 0 && service.desired_count > 0 {
            (Status::Fail, "no task running".to_owned())
        } else if service.pending_count == 0 {
            (Status::Fail, "nothing pending".to_owned())
        } else {
            match pending_for {
                Some(seconds) if seconds > grace_seconds => (
                    Status::Fail,
                    format!(
                        "pending for {}, over the {} grace",
                        format::duration(seconds as i64),
                        format::duration(grace_seconds as i64)
                    ),
                ),
                Some(seconds) => (
                    Status::Warn,
                    format!("converging for {}", format::duration(seconds as i64)),
                ),
                None => (Status::Warn, "converging".to_owned()),
            }
        };
        rows.push(format!("{}/{}", service.cluster, service.name));
        status = status.max(verdict);
        evidence.push(format!(
            "{} running {}/{} ({} pending): {why}",
            service.name, service.running_count, service.desired_count, service.pending_count
        ));
    }
    let observed = snapshot
        .ecs
        .iter()
        .map(|s| format!("{} {}/{}", s.name, s.running_count, s.desired_count))
        .collect::<Vec<_>>()
        .join(", ");
    Finding {
        status,
        observed,
        threshold,
        evidence,
        rows,
    }
}

fn alarms(snapshot: &Snapshot) -> Finding {
    let firing: Vec<_> = snapshot
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::Alarm)
        .collect();
    let insufficient = snapshot
        .alarms
        .iter()
        .filter(|a| a.state == AlarmState::InsufficientData)
        .count();
    // The runbook's criterion is "no active alarm": an alarm short of data (a sparse metric
    // such as throttles) is listed in the evidence but does not warn.
    let status = if firing.is_empty() {
        Status::Pass
    } else {
        Status::Fail
    };
    let mut evidence: Vec<String> = firing
        .iter()
        .map(|a| format!("{} in ALARM: {}", a.name, a.reason))
        .collect();
    evidence.extend(
        snapshot
            .alarms
            .iter()
            .filter(|a| a.state == AlarmState::InsufficientData)
            .map(|a| format!("{} has insufficient data", a.name)),
    );
    Finding {
        status,
        observed: format!(
            "{} in ALARM, {insufficient} insufficient data, of {}",
            firing.len(),
            snapshot.alarms.len()
        ),
        threshold: "none in ALARM".to_owned(),
        evidence,
        rows: firing.iter().map(|a| a.name.clone()).collect(),
    }
}

fn db_connections(snapshot: &Snapshot, limit: Limit) -> Finding {
    let totals = &snapshot.database.totals;
    let total = totals.total();
    let threshold = format!("≤ {} (warn above, fail above {})", limit.warn, limit.crit);
    if totals.max_connections == 0 {
        return Finding::unknown("no reading of pg_stat_activity yet", threshold);
    }
    Finding {
        status: status_of(limit.level(f64::from(total))),
        observed: format!(
            "{total}/{} ({}%)",
            totals.max_connections,
            total * 100 / totals.max_connections
        ),
        threshold,
        evidence: totals
            .by_database
            .iter()
            .map(|(database, count)| format!("{database}: {count}"))
            .collect(),
        rows: Vec::new(),
    }
}

/// The sessions `rule` hits at the server's clock of the reading (none before a reading).
fn sessions_hit(snapshot: &Snapshot, rule: BulkRule) -> Vec<&DbSession> {
    let Some(at) = snapshot.database.observed_at else {
        return Vec::new();
    };
    snapshot
        .database
        .sessions
        .iter()
        .filter(|session| rule.hits(session, at))
        .collect()
}

fn db_long_queries(snapshot: &Snapshot, limit_seconds: u64) -> Finding {
    let limit = i64::try_from(limit_seconds).unwrap_or(i64::MAX);
    let long = sessions_hit(
        snapshot,
        BulkRule::LongQueries {
            longer_than_seconds: limit_seconds,
        },
    );
    let at = snapshot.database.observed_at.unwrap_or_default();
    Finding {
        status: if long.is_empty() {
            Status::Pass
        } else {
            Status::Fail
        },
        observed: format!("{} active over {}", long.len(), format::duration(limit)),
        threshold: format!("none active over {}", format::duration(limit)),
        evidence: long
            .iter()
            .map(|s| {
                format!(
                    "pid {} {}@{} for {}: {}",
                    s.pid,
                    s.user,
                    s.database,
                    format::duration(s.seconds_in_state(at)),
                    format::truncate(&format::one_line(&s.query), 60)
                )
            })
            .collect(),
        rows: long.iter().map(|s| s.pid.to_string()).collect(),
    }
}

fn db_idle(snapshot: &Snapshot, limit_seconds: u64) -> Finding {
    let limit = i64::try_from(limit_seconds).unwrap_or(i64::MAX);
    let idle = sessions_hit(
        snapshot,
        BulkRule::IdleSessions {
            longer_than_seconds: limit_seconds,
        },
    );
    let mut by_application: BTreeMap<&str, usize> = BTreeMap::new();
    for session in &idle {
        *by_application
            .entry(session.application.as_str())
            .or_default() += 1;
    }
    Finding {
        status: if idle.is_empty() {
            Status::Pass
        } else {
            Status::Warn
        },
        observed: format!("{} idle over {}", idle.len(), format::duration(limit)),
        threshold: format!("none idle over {}", format::duration(limit)),
        evidence: by_application
            .iter()
            .map(|(application, count)| format!("{application}: {count} idle"))
            .collect(),
        rows: idle.iter().map(|s| s.pid.to_string()).collect(),
    }
}

fn log_errors(snapshot: &Snapshot, limit: Limit) -> Finding {
    let logs = &snapshot.logs;
    let total: u64 = logs.counts.iter().map(|c| c.count).sum();
    let threshold = format!(
        "≤ {} in the window (warn above, fail above {})",
        limit.warn, limit.crit
    );
    if logs.counts.is_empty() && !logs.recent.is_empty() {
        return Finding {
            status: Status::Warn,
            observed: format!("{} recent ERROR lines (no counts)", logs.recent.len()),
            threshold,
            evidence: vec![format!(
                "the error query counted nothing while the tail shows {} ERROR lines: it matches no field of these logs; fix log_error_query",
                logs.recent.len()
            )],
            rows: Vec::new(),
        };
    }
    Finding {
        status: status_of(limit.level(total as f64)),
        observed: format!("{total} in {} min", logs.window_minutes),
        threshold,
        evidence: logs
            .counts
            .iter()
            .map(|c| format!("{}: {}", c.service, c.count))
            .collect(),
        rows: Vec::new(),
    }
}

//! The whole simulated estate, stepped one simulated second at a time.

use super::database::SimDatabase;
use super::ecs::SimCluster;
use super::fleet::Fleet;
use super::history::{Fold, PERIOD_SECONDS, SeriesSpec, SimAlarm, SimSeries};
use super::load::{self, Load};
use super::logs::SimLogs;
use super::rng::Rng;
use super::sessions_table;
use super::statements::SimStatements;
use crate::model::{
    Alarm, AutoScalingGroup, DatabaseActivity, EcsService, HealthProbe, LaunchTemplateVersion,
    LogErrors, MetricKind, MetricSeries, Statistic, TargetGroupHealth, Timestamp,
};

/// Seconds of history simulated before the demo opens, so charts start full.
pub const HISTORY_SECONDS: i64 = 3600;

/// The estate. `elapsed` counts simulated seconds from the moment the demo opened.
#[derive(Debug, Clone)]
pub struct World {
    /// The world's seed: the week before the simulated hour is generated from it.
    seed: u64,
    rng: Rng,
    origin: Timestamp,
    elapsed: i64,
    load: Load,
    fleet: Fleet,
    database: SimDatabase,
    statements: SimStatements,
    cluster: SimCluster,
    logs: SimLogs,
    series: Vec<SimSeries>,
    alarms: Vec<SimAlarm>,
    /// Manual snapshots taken: name and when (elapsed seconds).
    snapshots: Vec<(String, i64)>,
    /// No scripted incident: a customer of the demo estate whose day goes well.
    calm: bool,
}

impl World {
    /// The estate for `seed`, with an hour of history simulated up to `origin`.
    pub fn new(seed: u64, origin: Timestamp) -> Self {
        let mut rng = Rng::new(seed);
        let start = -HISTORY_SECONDS;
        let fleet = Fleet::new(&mut rng, start);
        let database = SimDatabase::new(&mut rng, start);
        let cluster = SimCluster::new(&mut rng, start);
        let mut world = Self {
            seed,
            rng,
            origin,
            elapsed: start,
            load: Load::default(),
            fleet,
            database,
            statements: SimStatements::default(),
            cluster,
            logs: SimLogs::new(),
            series: series_specs().into_iter().map(SimSeries::new).collect(),
            alarms: alarm_specs(start),
            snapshots: Vec::new(),
            calm: false,
        };
        world.advance_to_elapsed(0);
        world
    }

    /// The estate for `seed` without the scripted incident.
    pub fn calm(seed: u64, origin: Timestamp) -> Self {
        let mut world = Self::new(seed, origin);
        world.calm = true;
        world.database.settle_overnight_sessions(world.elapsed);
        world
    }

    /// Simulated seconds since the demo opened.
    pub fn elapsed(&self) -> i64 {
        self.elapsed
    }

    /// The UTC time of simulated second `elapsed`.
    pub fn time_of(&self, elapsed: i64) -> Timestamp {
        self.origin + chrono::Duration::seconds(elapsed)
    }

    /// Steps until `target` simulated seconds have passed (never backwards).
    pub fn advance_to_elapsed(&mut self, target: i64) {
        while self.elapsed < target {
            self.step();
        }
    }

    /// Steps until the simulated clock reads `now`.
    pub fn advance_to(&mut self, now: Timestamp) {
        self.advance_to_elapsed((now - self.origin).num_seconds());
    }

    fn step(&mut self) {
        self.elapsed += 1;
        let now = self.elapsed;
        self.fleet.step(&mut self.rng, now);
        // A calm estate's incident clock never reaches the script's start.
        let incident_clock = if self.calm { i64::MIN / 4 } else { now };
        self.load = load::compute(
            &mut self.rng,
            now,
            incident_clock,
            self.fleet.healthy_targets(),
        );
        self.database
            .step(&mut self.rng, now, incident_clock, &self.load);
        self.statements
            .step(&self.load, self.database.blocked_count());
        self.cluster.step(&mut self.rng, now, &self.load);
        self.logs.step(
            &mut self.rng,
            now,
            &self.load,
            self.database.blocked_count(),
        );
        self.sample_metrics();
        if now.rem_euclid(PERIOD_SECONDS) == 0 {
            self.close_period(now);
        }
    }

    fn sample_metrics(&mut self) {
        let load = self.load;
        let connections = self.database.connection_count() as f64;
        let blocked = self.database.blocked_count() as f64;
        let reports = self.database.report_running() as f64;
        let noise = self.rng.noise();
        let evictions = if load.utilisation > 1.0 {
            (load.utilisation - 1.0) * 20.0 + self.rng.unit() * 4.0
        } else {
            0.0
        };
        for series in &mut self.series {
            let value = match series.spec.id {
                "alb_response_avg" => load.average_ms,
                "alb_response_max" => load.maximum_ms,
                "alb_response_p99" => load.p99_ms,
                "alb_5xx_rate" => load.error_5xx_percent,
                "alb_4xx_rate" => load.error_4xx_percent,
                "alb_requests" => load.requests_per_second,
                "asg_cpu" => load.cpu_percent,
                "ecs_web_cpu" => self.cluster.web_cpu_percent,
                "ecs_web_memory" => self.cluster.web_memory_percent,
                "rds_connections" => connections,
                "rds_read_latency" => {
                    (2.5 + connections / 120.0 + reports * 9.0 + 0.3 * noise).max(0.5)
                }
                "rds_write_latency" => {
                    (4.0 + connections / 90.0 + blocked * 14.0 + 0.4 * noise).max(0.5)
                }
                "rds_cpu" => (18.0 + load.utilisation.min(1.5) * 15.0 + reports * 22.0).min(100.0),
                "cache_evictions" => evictions,
                id => sessions_table::value(id, load.utilisation).unwrap_or(0.0),
            };
            series.sample(value);
        }
    }

    fn close_period(&mut self, now: i64) {
        for series in &mut self.series {
            series.close_bucket(now);
        }
        for alarm in &mut self.alarms {
            let Some(series_id) = alarm.series_id else {
                continue;
            };
            if let Some(series) = self.series.iter().find(|s| s.spec.id == series_id) {
                alarm.evaluate(series, now);
            }
        }
    }

    /// Sets the group's desired capacity, as SetDesiredCapacity would: instances launch
    /// (Pending, then InService after the warm-up, their targets initial then healthy) or
    /// drain and terminate. Errors as AWS words them when outside min..=max.
    pub fn set_desired_capacity(&mut self, desired: u32) -> Result<u32, String> {
        let fleet = &mut self.fleet;
        if desired < fleet.min_size || desired > fleet.max_size {
            return Err(format!(
                "ValidationError: New SetDesiredCapacity value {desired} is outside the bounds of the group's min size {} and max size {}",
                fleet.min_size, fleet.max_size
            ));
        }
        let before = fleet.desired_capacity;
        fleet.desired_capacity = desired;
        Ok(before)
    }

    /// Forces a new deployment of an ECS service; false if there is no such service.
    pub fn force_new_deployment(&mut self, service: &str) -> bool {
        self.cluster
            .force_new_deployment(service, self.elapsed, &mut self.rng)
    }

    /// Sets the group's max size if it is still `expected`, as UpdateAutoScalingGroup would;
    /// the max before.
    pub fn set_max_size(&mut self, expected: u32, max: u32) -> Result<u32, String> {
        let fleet = &mut self.fleet;
        if fleet.max_size != expected {
            return Err(format!(
                "max size of {} is now {}, not the {expected} you saw",
                fleet.name, fleet.max_size
            ));
        }
        if max < fleet.desired_capacity || max < fleet.min_size {
            return Err(format!(
                "ValidationError: max size {max} is below the desired capacity {} or min size {}",
                fleet.desired_capacity, fleet.min_size
            ));
        }
        let before = fleet.max_size;
        fleet.max_size = max;
        Ok(before)
    }

    /// Starts an instance refresh, as StartInstanceRefresh would; its id, or the AWS error.
    pub fn start_instance_refresh(
        &mut self,
        min_healthy_percentage: u32,
        warmup_seconds: u32,
    ) -> Result<String, String> {
        self.fleet.start_refresh(
            &mut self.rng,
            self.elapsed,
            min_healthy_percentage,
            warmup_seconds,
        )
    }

    /// The launch template versions of `group`, or None for an unknown group.
    pub fn launch_template_versions(&self, group: &str) -> Option<Vec<LaunchTemplateVersion>> {
        (group == self.fleet.name).then(|| {
            self.fleet
                .launch_template_versions(self.elapsed, |at| self.time_of(at))
        })
    }

    /// Rolls back as opsdeck's rollback does in AWS: points the group at `version`
    /// (UpdateAutoScalingGroup) and starts an instance refresh that replaces every instance.
    pub fn roll_back(
        &mut self,
        expected_version: u32,
        version: u32,
        min_healthy_percentage: u32,
        warmup_seconds: u32,
    ) -> Result<String, String> {
        if self.fleet.instance_refresh_running() {
            return Err(format!(
                "an instance refresh is already running on {}",
                self.fleet.name
            ));
        }
        self.fleet.set_template_version(expected_version, version)?;
        self.start_instance_refresh(min_healthy_percentage, warmup_seconds)
    }

    /// Cancels the instance refresh in progress, as CancelInstanceRefresh would.
    pub fn cancel_instance_refresh(&mut self) -> Result<String, String> {
        self.fleet.cancel_refresh()
    }

    /// A fresh request id, for the journal.
    pub fn next_request_id(&mut self) -> String {
        format!(
            "{}-{}-{}-{}-{}",
            self.rng.hex(8),
            self.rng.hex(4),
            self.rng.hex(4),
            self.rng.hex(4),
            self.rng.hex(12)
        )
    }

    /// Terminates a backend as pg_terminate_backend would; false if no such pid.
    pub fn terminate_backend(&mut self, pid: i32) -> bool {
        self.database.terminate(pid, self.elapsed)
    }

    /// Cancels a backend's query as pg_cancel_backend would; false if no such pid.
    pub fn cancel_query(&mut self, pid: i32) -> bool {
        self.database.cancel(pid, self.elapsed)
    }

    /// Sets an ECS service's desired count; false if there is no such service.
    pub fn set_ecs_desired_count(&mut self, service: &str, desired: u32) -> bool {
        self.cluster
            .set_desired(service, desired, self.elapsed, &mut self.rng)
    }

    /// Every source's answer at this moment, as the pollers would deliver them.
    pub fn answers(&self) -> Vec<(crate::source::SourceKind, crate::source::SourceData)> {
        use crate::source::{SourceData, SourceKind};
        vec![
            (
                SourceKind::AutoScaling,
                SourceData::AutoScaling(self.auto_scaling_groups()),
            ),
            (
                SourceKind::Targets,
                SourceData::Targets(self.target_health()),
            ),
            (SourceKind::Health, SourceData::Health(self.health_probes())),
            (
                SourceKind::Metrics,
                SourceData::Metrics(self.metric_series()),
            ),
            (SourceKind::Alarms, SourceData::Alarms(self.alarms())),
            (SourceKind::Logs, SourceData::Logs(self.log_errors())),
            (SourceKind::Ecs, SourceData::Ecs(self.ecs_services())),
            (
                SourceKind::Database,
                SourceData::Database(self.database_activity()),
            ),
            (SourceKind::Rds, SourceData::Rds(self.rds_status())),
            (
                SourceKind::Certificates,
                SourceData::Certificates(self.certificates()),
            ),
            (SourceKind::Cache, SourceData::Cache(super::cache::groups())),
            (SourceKind::AwsHealth, SourceData::AwsHealth(Vec::new())),
        ]
    }

    /// The Auto Scaling group.
    pub fn auto_scaling_groups(&self) -> Vec<AutoScalingGroup> {
        vec![self.fleet.snapshot(self.elapsed, |at| self.time_of(at))]
    }

    /// Target health.
    pub fn target_health(&self) -> Vec<TargetGroupHealth> {
        vec![self.fleet.target_health()]
    }

    /// The health URLs' probes.
    pub fn health_probes(&self) -> Vec<HealthProbe> {
        super::health::probes(&self.load, self.time_of(self.elapsed))
    }

    /// Every metric series.
    pub fn metric_series(&self) -> Vec<MetricSeries> {
        let to_time = |at| self.time_of(at);
        self.series
            .iter()
            .map(|series| series.snapshot(&to_time))
            .collect()
    }

    /// Every series over `window` at its period: the simulated hour's datapoints folded
    /// into the period where they reach, the generated week before it elsewhere. Periods
    /// not closed yet are left out, as CloudWatch leaves them out.
    pub fn metric_window(&self, window: crate::model::MetricWindow) -> Vec<MetricSeries> {
        let period = i64::from(window.period_seconds.max(1));
        let elapsed_of = |at: Timestamp| (at - self.origin).num_seconds();
        let start = elapsed_of(window.start);
        let end = elapsed_of(window.end).min(self.elapsed);
        self.series
            .iter()
            .map(|series| {
                let mut timestamps = Vec::new();
                let mut values = Vec::new();
                let mut bucket = start;
                while bucket + period <= end {
                    timestamps.push(self.time_of(bucket));
                    values.push(self.period_value(series, bucket, period));
                    bucket += period;
                }
                MetricSeries {
                    period_seconds: window.period_seconds,
                    timestamps,
                    values,
                    ..series.snapshot(&|at| self.time_of(at))
                }
            })
            .collect()
    }

    /// One period of `series` from `start`: folded from the simulated datapoints when they
    /// cover it, else generated.
    fn period_value(&self, series: &SimSeries, start: i64, period: i64) -> f64 {
        let simulated = series
            .oldest()
            .is_some_and(|oldest| oldest <= start + PERIOD_SECONDS);
        if simulated {
            let points: Vec<f64> = series.points_closed_in(start, start + period).collect();
            if !points.is_empty() {
                return match series.spec.fold {
                    Fold::Mean => points.iter().sum::<f64>() / points.len() as f64,
                    Fold::Max => points.iter().copied().fold(f64::MIN, f64::max),
                    Fold::Sum => points.iter().sum(),
                };
            }
        }
        let middle = start + period / 2;
        let value = super::week::value(self.seed, series.spec.id, middle);
        match series.spec.fold {
            Fold::Sum => value * period as f64,
            _ => value,
        }
    }

    /// Every alarm.
    pub fn alarms(&self) -> Vec<Alarm> {
        self.alarms
            .iter()
            .map(|alarm| Alarm {
                name: alarm.name.to_owned(),
                state: alarm.state,
                reason: alarm.reason.clone(),
                state_updated_at: self.time_of(alarm.state_since),
                metric: alarm.series_id.map(str::to_owned),
            })
            .collect()
    }

    /// The alarms' state changes since `since`: last night's response-time episode (from
    /// the generated week) and every change the simulated hour made.
    pub fn alarm_history(&self, since: Timestamp) -> Vec<crate::model::AlarmStateChange> {
        use crate::model::{AlarmState, AlarmStateChange};
        let (fired, cleared) = super::week::OVERNIGHT_EVENT;
        // Three breaching minutes raise it, three clear ones lower it.
        let overnight = [
            (
                fired + 180,
                AlarmState::Ok,
                AlarmState::Alarm,
                "Threshold Crossed: 3 datapoints [1412.0, 1398.5, 1440.2] were greater than the threshold (1000.0).",
            ),
            (
                cleared + 180,
                AlarmState::Alarm,
                AlarmState::Ok,
                "Threshold Crossed: 3 datapoints [231.0, 228.4, 236.9] were not greater than the threshold (1000.0).",
            ),
        ]
        .map(|(at, from, to, reason)| AlarmStateChange {
            alarm: "basecoat-portal-target-response-time".to_owned(),
            at: self.time_of(at),
            from,
            to,
            reason: reason.to_owned(),
        });
        let live = self.alarms.iter().flat_map(|alarm| {
            alarm
                .changes
                .iter()
                .map(|(at, from, to, reason)| AlarmStateChange {
                    alarm: alarm.name.to_owned(),
                    at: self.time_of(*at),
                    from: *from,
                    to: *to,
                    reason: reason.clone(),
                })
        });
        let mut changes: Vec<AlarmStateChange> = overnight
            .into_iter()
            .chain(live)
            .filter(|change| change.at >= since && change.at <= self.time_of(self.elapsed))
            .collect();
        changes.sort_by_key(|change| change.at);
        changes
    }

    /// Error counts and tail.
    pub fn log_errors(&self) -> LogErrors {
        self.logs.snapshot(self.elapsed(), &|at| self.time_of(at))
    }

    /// ECS services.
    pub fn ecs_services(&self) -> Vec<EcsService> {
        self.cluster.snapshot(&|at| self.time_of(at))
    }

    /// The load balancer's certificates as ACM describes them.
    pub fn certificates(&self) -> Vec<crate::model::Certificate> {
        super::certificates::certificates(self.time_of(self.elapsed))
    }

    /// The database as the RDS API describes it.
    pub fn rds_status(&self) -> crate::model::RdsStatus {
        let mut status = super::rds::status(&self.load, self.elapsed, self.time_of(self.elapsed));
        status.snapshots = self
            .snapshots
            .iter()
            .map(|(name, started)| {
                super::rds::snapshot(name, self.elapsed - started, self.time_of(*started))
            })
            .collect();
        status
    }

    /// Starts a manual snapshot of `instance`, as CreateDBSnapshot would: the primary only,
    /// a name not taken.
    pub fn create_db_snapshot(&mut self, instance: &str, name: &str) -> Result<(), String> {
        if instance != super::rds::PRIMARY {
            return Err(format!(
                "DBInstanceNotFound: DBInstance {instance} not found."
            ));
        }
        if self.snapshots.iter().any(|(taken, _)| taken == name) {
            return Err(format!(
                "DBSnapshotAlreadyExists: Cannot create the snapshot because a snapshot with the identifier {name} already exists."
            ));
        }
        self.snapshots.push((name.to_owned(), self.elapsed));
        Ok(())
    }

    /// Database activity.
    pub fn database_activity(&self) -> DatabaseActivity {
        self.database.activity(self.elapsed, &|at| self.time_of(at))
    }

    /// What Performance Insights shows of the primary now.
    pub fn performance_insights(&self) -> crate::model::InsightsReading {
        self.statements
            .insights(super::rds::PRIMARY, self.time_of(self.elapsed))
    }

    /// What `pg_stat_statements` shows now.
    pub fn statement_stats(&self) -> crate::model::StatementReading {
        self.statements.reading(self.time_of(self.elapsed))
    }
}

fn spec(
    id: &'static str,
    label: &'static str,
    kind: MetricKind,
    statistic: Statistic,
    unit: &'static str,
    fold: Fold,
) -> SeriesSpec {
    SeriesSpec {
        id,
        label,
        kind,
        statistic,
        unit,
        fold,
    }
}

/// The runbooks' metric set.
fn series_specs() -> Vec<SeriesSpec> {
    use Fold::{Max, Mean, Sum};
    use MetricKind as K;
    use Statistic as S;
    vec![
        spec(
            "alb_response_p99",
            "ALB response p99",
            K::ResponseTimeP99,
            S::Percentile(99.0),
            "ms",
            Mean,
        ),
        spec(
            "alb_response_avg",
            "ALB response avg",
            K::ResponseTimeAvg,
            S::Average,
            "ms",
            Mean,
        ),
        spec(
            "alb_response_max",
            "ALB response max",
            K::ResponseTimeMax,
            S::Maximum,
            "ms",
            Max,
        ),
        spec(
            "alb_5xx_rate",
            "ALB 5XX rate",
            K::ErrorRate5xx,
            S::Average,
            "%",
            Mean,
        ),
        spec(
            "alb_4xx_rate",
            "ALB 4XX rate",
            K::ErrorRate4xx,
            S::Average,
            "%",
            Mean,
        ),
        spec(
            "alb_requests",
            "ALB requests",
            K::RequestCount,
            S::Sum,
            "req",
            Sum,
        ),
        spec("asg_cpu", "EC2 CPU (ASG)", K::Cpu, S::Average, "%", Mean),
        spec("ecs_web_cpu", "ECS web CPU", K::Cpu, S::Average, "%", Mean),
        spec(
            "ecs_web_memory",
            "ECS web memory",
            K::Memory,
            S::Maximum,
            "%",
            Max,
        ),
        spec(
            "rds_connections",
            "RDS connections",
            K::DbConnections,
            S::Maximum,
            "count",
            Max,
        ),
        spec(
            "rds_read_latency",
            "RDS read latency",
            K::DbReadLatency,
            S::Average,
            "ms",
            Mean,
        ),
        spec(
            "rds_write_latency",
            "RDS write latency",
            K::DbWriteLatency,
            S::Average,
            "ms",
            Mean,
        ),
        spec("rds_cpu", "RDS CPU", K::DbCpu, S::Average, "%", Mean),
        spec(
            "cache_evictions",
            "Cache evictions",
            K::CacheEvictions,
            S::Sum,
            "count",
            Sum,
        ),
        // Labelled as the AWS adapter labels one table's series.
        spec(
            sessions_table::THROTTLES,
            "DynamoDB throttles",
            K::DynamoThrottles,
            S::Sum,
            "count",
            Sum,
        ),
        spec(
            sessions_table::READ_CAPACITY,
            "DynamoDB read capacity",
            K::DynamoCapacity,
            S::Average,
            "%",
            Mean,
        ),
        spec(
            sessions_table::WRITE_CAPACITY,
            "DynamoDB write capacity",
            K::DynamoCapacity,
            S::Average,
            "%",
            Mean,
        ),
    ]
}

/// The estate's alarms, mirroring the runbooks' critical and warning triggers.
fn alarm_specs(since: i64) -> Vec<SimAlarm> {
    vec![
        SimAlarm::new("basecoat-portal-cpu-high", Some("asg_cpu"), 85.0, since),
        SimAlarm::new("basecoat-portal-5xx-rate", Some("alb_5xx_rate"), 5.0, since),
        SimAlarm::new(
            "basecoat-portal-target-response-time",
            Some("alb_response_p99"),
            1000.0,
            since,
        ),
        SimAlarm::new(
            "basecoat-db-connections-high",
            Some("rds_connections"),
            800.0,
            since,
        ),
        SimAlarm::new(
            "basecoat-db-write-latency",
            Some("rds_write_latency"),
            100.0,
            since,
        ),
        SimAlarm::new("prod-web-memory-high", Some("ecs_web_memory"), 90.0, since),
        SimAlarm::new(
            "basecoat-cache-evictions",
            Some("cache_evictions"),
            0.0,
            since,
        ),
        // On the raw ReadThrottleEvents, which DynamoDB reports only when there are some:
        // a healthy table's throttle alarm sits in INSUFFICIENT_DATA unless it treats
        // missing data as not breaching.
        SimAlarm::new("basecoat-sessions-dynamodb-throttles", None, 0.0, since),
    ]
}

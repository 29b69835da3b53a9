//! The demo environment: a seeded, time-driven copy of the runbooks' estate behind the same
//! source traits as AWS and PostgreSQL.

mod actions;
mod cache;
mod certificates;
mod database;
mod ecs;
pub mod estate;
pub mod fleet;
mod health;
mod history;
mod load;
mod logs;
mod rds;
mod rng;
mod sessions_table;
mod statements;
mod week;
mod world;

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

pub use actions::execute_in;
pub use load::INCIDENT_START_SECONDS;
pub use rds::{PRIMARY as RDS_PRIMARY, PROXY as RDS_PROXY, REPLICA as RDS_REPLICA};
pub use world::World;

use crate::clock::Clock;
use crate::model::{
    Alarm, AutoScalingGroup, DatabaseActivity, EcsService, HealthProbe, LaunchTemplateVersion,
    LogErrors, MetricSeries, RdsStatus, TargetGroupHealth,
};
use crate::source::{
    AlarmSource, AutoScalingSource, AwsHealthSource, CacheSource, CertificateSource,
    DatabaseSource, EcsSource, ErrorQuery, HealthSource, LogSource, MetricsSource, RdsSource,
    SourceError, SourceErrorKind, SourceFuture, Sources, TargetHealthSource,
};

/// The simulator: one world, advanced to the clock's time whenever a source is read.
pub struct Simulator {
    world: Mutex<World>,
    clock: Clock,
}

impl Simulator {
    /// A simulator for `seed` whose time follows `clock`.
    pub fn new(seed: u64, clock: Clock) -> Arc<Self> {
        let world = World::new(seed, clock.now());
        Arc::new(Self {
            world: Mutex::new(world),
            clock,
        })
    }

    /// A simulator whose estate opened `elapsed_seconds` before the clock's now (to look at
    /// a later moment of the scripted day at once).
    pub fn opened_earlier(seed: u64, clock: Clock, elapsed_seconds: u32) -> Arc<Self> {
        let opened = clock.now() - chrono::Duration::seconds(i64::from(elapsed_seconds));
        Arc::new(Self {
            world: Mutex::new(World::new(seed, opened)),
            clock,
        })
    }

    /// A customer of the demo estate: `seed`'s world opened `elapsed_seconds` before the
    /// clock's now, with the scripted incident (`incident`) or calm.
    pub fn customer(seed: u64, clock: Clock, elapsed_seconds: u32, incident: bool) -> Arc<Self> {
        let opened = clock.now() - chrono::Duration::seconds(i64::from(elapsed_seconds));
        let world = if incident {
            World::new(seed, opened)
        } else {
            World::calm(seed, opened)
        };
        Arc::new(Self {
            world: Mutex::new(world),
            clock,
        })
    }

    /// Every source, served by this simulator.
    pub fn sources(self: &Arc<Self>) -> Sources {
        Sources::all_from(self.clone())
    }

    /// The world, advanced to now. A poisoned lock only means another reader panicked while
    /// reading; the world itself is still consistent, so keep going.
    fn world_now(&self) -> MutexGuard<'_, World> {
        let mut world = self.world.lock().unwrap_or_else(PoisonError::into_inner);
        world.advance_to(self.clock.now());
        world
    }

    fn read<T: Send + 'static>(&self, read: impl FnOnce(&World) -> T) -> SourceFuture<'_, T> {
        let value = read(&self.world_now());
        Box::pin(async move { Ok(value) })
    }
}

impl AutoScalingSource for Simulator {
    fn auto_scaling_groups(&self) -> SourceFuture<'_, Vec<AutoScalingGroup>> {
        self.read(World::auto_scaling_groups)
    }

    fn launch_template_versions<'a>(
        &'a self,
        group: &'a str,
    ) -> SourceFuture<'a, Vec<LaunchTemplateVersion>> {
        let versions = self
            .world_now()
            .launch_template_versions(group)
            .ok_or_else(|| {
                SourceError::new(SourceErrorKind::NotFound, format!("ASG {group} not found"))
            });
        Box::pin(async move { versions })
    }
}

impl HealthSource for Simulator {
    fn health_probes(&self) -> SourceFuture<'_, Vec<HealthProbe>> {
        self.read(World::health_probes)
    }
}

impl TargetHealthSource for Simulator {
    fn target_health(&self) -> SourceFuture<'_, Vec<TargetGroupHealth>> {
        self.read(World::target_health)
    }
}

impl MetricsSource for Simulator {
    fn metric_series(&self) -> SourceFuture<'_, Vec<MetricSeries>> {
        self.read(World::metric_series)
    }

    fn metric_window(
        &self,
        window: crate::model::MetricWindow,
    ) -> SourceFuture<'_, Vec<MetricSeries>> {
        self.read(move |world| world.metric_window(window))
    }
}

impl AlarmSource for Simulator {
    fn alarms(&self) -> SourceFuture<'_, Vec<Alarm>> {
        self.read(World::alarms)
    }

    fn alarm_history(
        &self,
        since: crate::model::Timestamp,
    ) -> SourceFuture<'_, Vec<crate::model::AlarmStateChange>> {
        self.read(move |world| world.alarm_history(since))
    }
}

impl LogSource for Simulator {
    /// The simulator's counts cost nothing, so it counts on every poll.
    fn log_errors(&self, _query: ErrorQuery) -> SourceFuture<'_, LogErrors> {
        self.read(World::log_errors)
    }
}

impl EcsSource for Simulator {
    fn ecs_services(&self) -> SourceFuture<'_, Vec<EcsService>> {
        self.read(World::ecs_services)
    }
}

impl AwsHealthSource for Simulator {
    /// The demo's outage is the portal's own: AWS reports nothing.
    fn aws_health_events(&self) -> SourceFuture<'_, Vec<crate::model::AwsHealthEvent>> {
        self.read(|_| Vec::new())
    }
}

impl CacheSource for Simulator {
    fn cache_groups(&self) -> SourceFuture<'_, Vec<crate::model::CacheGroup>> {
        self.read(|_| cache::groups())
    }
}

impl CertificateSource for Simulator {
    fn certificates(&self) -> SourceFuture<'_, Vec<crate::model::Certificate>> {
        self.read(World::certificates)
    }
}

impl RdsSource for Simulator {
    fn rds_status(&self) -> SourceFuture<'_, RdsStatus> {
        self.read(World::rds_status)
    }

    fn performance_insights(&self) -> SourceFuture<'_, crate::model::InsightsReading> {
        self.read(World::performance_insights)
    }
}

impl DatabaseSource for Simulator {
    fn database_activity(&self) -> SourceFuture<'_, DatabaseActivity> {
        self.read(World::database_activity)
    }

    fn table_sizes(&self) -> SourceFuture<'_, Vec<crate::model::TableSize>> {
        self.read(|_| demo_table_sizes())
    }

    fn statement_stats(&self) -> SourceFuture<'_, crate::model::StatementReading> {
        self.read(World::statement_stats)
    }
}

/// The basecoat portal's tables, as the runbook's size query would list them.
pub fn demo_table_sizes() -> Vec<crate::model::TableSize> {
    [
        ("audit_log", 48_318_382_080),
        ("orders", 21_474_836_480),
        ("order_lines", 17_179_869_184),
        ("sessions", 6_442_450_944),
        ("customers", 2_147_483_648),
        ("products", 536_870_912),
        ("accounts", 268_435_456),
        ("carts", 134_217_728),
        ("inventory", 67_108_864),
    ]
    .into_iter()
    .map(|(name, total_bytes)| crate::model::TableSize {
        schema: "public".to_owned(),
        name: name.to_owned(),
        total_bytes,
    })
    .collect()
}

//! A source for what an environment does not have (or this build cannot read yet): every poll
//! says so in the pane, in words, instead of leaving it empty.

use super::{
    AlarmSource, AutoScalingSource, AwsHealthSource, CacheSource, CertificateSource,
    DatabaseSource, EcsSource, ErrorQuery, HealthSource, LogSource, MetricsSource, RdsSource,
    SourceError, SourceErrorKind, SourceFuture, TargetHealthSource,
};
use crate::model::{
    Alarm, AutoScalingGroup, AwsHealthEvent, CacheGroup, Certificate, DatabaseActivity, EcsService,
    HealthProbe, LogErrors, MetricSeries, RdsStatus, TargetGroupHealth,
};

/// Answers every poll with the same explanation.
pub struct Unconfigured {
    message: String,
}

impl Unconfigured {
    /// A source that explains itself with `message`.
    pub fn new(message: impl Into<String>) -> Self {
        Self {
            message: message.into(),
        }
    }

    fn fail<T: Send + 'static>(&self) -> SourceFuture<'_, T> {
        let error = SourceError::new(SourceErrorKind::NotConfigured, self.message.clone());
        Box::pin(async move { Err(error) })
    }
}

impl AutoScalingSource for Unconfigured {
    fn auto_scaling_groups(&self) -> SourceFuture<'_, Vec<AutoScalingGroup>> {
        self.fail()
    }

    fn launch_template_versions<'a>(
        &'a self,
        _group: &'a str,
    ) -> SourceFuture<'a, Vec<crate::model::LaunchTemplateVersion>> {
        self.fail()
    }
}

impl TargetHealthSource for Unconfigured {
    fn target_health(&self) -> SourceFuture<'_, Vec<TargetGroupHealth>> {
        self.fail()
    }
}

impl HealthSource for Unconfigured {
    fn health_probes(&self) -> SourceFuture<'_, Vec<HealthProbe>> {
        self.fail()
    }
}

impl MetricsSource for Unconfigured {
    fn metric_series(&self) -> SourceFuture<'_, Vec<MetricSeries>> {
        self.fail()
    }

    fn metric_window(
        &self,
        _window: crate::model::MetricWindow,
    ) -> SourceFuture<'_, Vec<MetricSeries>> {
        self.fail()
    }
}

impl AlarmSource for Unconfigured {
    fn alarms(&self) -> SourceFuture<'_, Vec<Alarm>> {
        self.fail()
    }

    fn alarm_history(
        &self,
        _since: crate::model::Timestamp,
    ) -> SourceFuture<'_, Vec<crate::model::AlarmStateChange>> {
        self.fail()
    }
}

impl LogSource for Unconfigured {
    fn log_errors(&self, _query: ErrorQuery) -> SourceFuture<'_, LogErrors> {
        self.fail()
    }
}

impl AwsHealthSource for Unconfigured {
    fn aws_health_events(&self) -> SourceFuture<'_, Vec<AwsHealthEvent>> {
        self.fail()
    }
}

impl CacheSource for Unconfigured {
    fn cache_groups(&self) -> SourceFuture<'_, Vec<CacheGroup>> {
        self.fail()
    }
}

impl CertificateSource for Unconfigured {
    fn certificates(&self) -> SourceFuture<'_, Vec<Certificate>> {
        self.fail()
    }
}

impl RdsSource for Unconfigured {
    fn rds_status(&self) -> SourceFuture<'_, RdsStatus> {
        self.fail()
    }

    fn performance_insights(&self) -> SourceFuture<'_, crate::model::InsightsReading> {
        self.fail()
    }
}

impl EcsSource for Unconfigured {
    fn ecs_services(&self) -> SourceFuture<'_, Vec<EcsService>> {
        self.fail()
    }
}

impl DatabaseSource for Unconfigured {
    fn database_activity(&self) -> SourceFuture<'_, DatabaseActivity> {
        self.fail()
    }

    fn table_sizes(&self) -> SourceFuture<'_, Vec<crate::model::TableSize>> {
        self.fail()
    }

    fn statement_stats(&self) -> SourceFuture<'_, crate::model::StatementReading> {
        self.fail()
    }
}

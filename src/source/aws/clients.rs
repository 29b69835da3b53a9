//! The SDK clients of one environment: the full default credential chain (environment,
//! profiles, SSO, credential_process, web identity, IMDS), the environment's profile, region
//! and optional endpoint (moto, LocalStack), standard retries and explicit timeouts so a hung
//! API never stalls a pane.

use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region};

/// How to reach AWS for one environment.
#[derive(Debug, Clone, Default)]
pub struct AwsSettings {
    pub region: String,
    pub profile: Option<String>,
    pub endpoint_url: Option<String>,
    /// Fixed credentials (tests against moto); None uses the default chain.
    pub static_credentials: Option<(String, String)>,
    /// Attempts per call, the first included; 1 turns retries off (tests).
    pub max_attempts: u32,
    /// Longest wait for one attempt of one call; `ATTEMPT_TIMEOUT` when None.
    pub attempt_timeout: Option<Duration>,
}

/// One client per service, sharing one configuration.
#[derive(Debug, Clone)]
pub struct AwsClients {
    pub auto_scaling: aws_sdk_autoscaling::Client,
    pub elb: aws_sdk_elasticloadbalancingv2::Client,
    pub cloudwatch: aws_sdk_cloudwatch::Client,
    pub sts: aws_sdk_sts::Client,
    pub ecs: aws_sdk_ecs::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
    pub ec2: aws_sdk_ec2::Client,
    pub settings: AwsSettings,
}

/// Connect timeout: a peer that does not answer a SYN is down.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
/// One attempt of one call.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
/// One call, all retries included.
const OPERATION_TIMEOUT: Duration = Duration::from_secs(25);

impl AwsClients {
    /// Loads the configuration and builds the clients.
    pub async fn new(settings: AwsSettings) -> Self {
        let mut loader = aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(settings.region.clone()))
            .retry_config(RetryConfig::standard().with_max_attempts(settings.max_attempts.max(1)))
            .timeout_config(
                TimeoutConfig::builder()
                    .connect_timeout(CONNECT_TIMEOUT)
                    .operation_attempt_timeout(settings.attempt_timeout.unwrap_or(ATTEMPT_TIMEOUT))
                    .operation_timeout(OPERATION_TIMEOUT)
                    .build(),
            );
        if let Some(profile) = &settings.profile {
            loader = loader.profile_name(profile);
        }
        if let Some(endpoint) = &settings.endpoint_url {
            loader = loader.endpoint_url(endpoint);
        }
        if let Some((key, secret)) = &settings.static_credentials {
            loader = loader.credentials_provider(aws_credential_types::Credentials::new(
                key,
                secret,
                None,
                None,
                "opsdeck-static",
            ));
        }
        let config = loader.load().await;
        Self {
            auto_scaling: aws_sdk_autoscaling::Client::new(&config),
            elb: aws_sdk_elasticloadbalancingv2::Client::new(&config),
            cloudwatch: aws_sdk_cloudwatch::Client::new(&config),
            sts: aws_sdk_sts::Client::new(&config),
            ecs: aws_sdk_ecs::Client::new(&config),
            logs: aws_sdk_cloudwatchlogs::Client::new(&config),
            ec2: aws_sdk_ec2::Client::new(&config),
            settings,
        }
    }
}

//! The integration tests of opsdeck, one module per subject, in one test binary: each binary
//! links the whole dependency graph (the AWS SDKs above all), so one links once instead of
//! twenty times (issue 13, item 5).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

mod aws_actions;
mod aws_faults;
mod aws_health;
mod aws_moto;
mod aws_shaped;
mod cache_status;
mod capacity;
mod certificates;
mod config_errors;
mod discovery;
mod dynamodb;
mod e2e_postgres;
mod e2e_tmux;
mod estate;
mod guarded_actions;
mod health_check;
mod health_check_peers;
mod health_probes;
mod insights;
mod journal;
mod moto_panes;
mod overnight;
mod peers;
mod postgres_source;
mod postgres_views;
mod rds_status;
mod readme;
mod sim_dynamics;
mod snapshots;
mod top_sql;
mod trends;
mod update_logic;
mod war_room;

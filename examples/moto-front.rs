//! A front for moto_server that speaks CloudWatch's RPC v2 CBOR, which the AWS SDK for Rust uses
//! and moto does not serve: to try opsdeck live on moto (README, "Try it on moto"). The tests
//! put the same front before moto.
//!
//! `cargo run --release --example moto-front -- --listen 5000 --moto 5001`

#[allow(dead_code, clippy::expect_used, clippy::unwrap_used)]
#[path = "../tests/it/support/cbor.rs"]
mod cbor;
#[allow(dead_code, clippy::expect_used, clippy::unwrap_used)]
#[path = "../tests/it/support/proxy.rs"]
mod proxy;

use clap::Parser;

/// Translates CloudWatch's RPC v2 CBOR to moto's JSON protocol; passes everything else.
#[derive(Parser)]
struct Args {
    /// Loopback port to listen on (the `endpoint_url` opsdeck is given).
    #[arg(long, default_value_t = 5000)]
    listen: u16,
    /// moto_server's loopback port.
    #[arg(long, default_value_t = 5001)]
    moto: u16,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args = Args::parse();
    let front = match proxy::CountingProxy::try_start_on(args.listen, args.moto).await {
        Ok(front) => front,
        Err(error) => {
            eprintln!(
                "moto-front: cannot listen on 127.0.0.1:{}: {error}",
                args.listen
            );
            std::process::exit(1);
        }
    };
    eprintln!(
        "moto-front: {} -> moto on port {}",
        front.endpoint, args.moto
    );
    std::future::pending::<()>().await;
}

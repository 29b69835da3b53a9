//! The test peers themselves work: a real PostgreSQL server and a real moto server.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use crate::support;

use support::moto::MotoServer;
use support::postgres::TestPostgres;

#[tokio::test]
async fn throwaway_postgres_accepts_connections() {
    let Some(server) = TestPostgres::start() else {
        return;
    };
    let (client, connection) = tokio_postgres::connect(&server.url, tokio_postgres::NoTls)
        .await
        .expect("connect to the test server");
    tokio::spawn(connection);
    let row = client
        .query_one("SELECT version(), current_setting('listen_addresses')", &[])
        .await
        .expect("query");
    let version: String = row.get(0);
    assert!(version.starts_with("PostgreSQL"), "{version}");
    let listen: String = row.get(1);
    if std::env::var("OPSDECK_TEST_DATABASE_URL").is_err() {
        assert_eq!(listen, "127.0.0.1");
    }
}

#[test]
fn moto_answers_and_resets() {
    let Some(server) = MotoServer::start() else {
        return;
    };
    assert_eq!(server.request("GET", "/moto-api/").unwrap(), 200);
    server.reset();
    assert!(server.endpoint.starts_with("http://127.0.0.1:"));
}

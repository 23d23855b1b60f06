//! C4: authentication before anything else.

use reqwest::Method;
use serde_json::json;

use crate::support::{CU, Harness, Reply};

const UNKNOWN_CLIENT: &str = "Application with the provided client ID was not found.";

#[track_caller]
fn assert_documented_401(reply: &Reply, detail: &str) {
    reply.assert_problem(401, "UNAUTHORIZED");
    let mut body = reply.body.clone();
    body["instance"] = json!("<uuid>");
    assert_eq!(
        body,
        json!({
            "code": "UNAUTHORIZED",
            "type": "https://docs.leyr.io/api/error-handling/unauthorized",
            "title": "Unauthorized",
            "status": 401,
            "detail": detail,
            "instance": "<uuid>"
        })
    );
}

#[tokio::test]
async fn c4_a_missing_client_id_gets_the_documented_401_word_for_word() {
    let harness = Harness::start().await;
    let reply = harness
        .send(
            harness
                .http
                .get(harness.url("/api/emrs/takecare/care-units")),
        )
        .await;
    assert_documented_401(&reply, UNKNOWN_CLIENT);
    let again = harness
        .send(
            harness
                .http
                .get(harness.url("/api/emrs/takecare/care-units")),
        )
        .await;
    assert_ne!(
        reply.body["instance"], again.body["instance"],
        "a fresh instance each time"
    );
}

#[tokio::test]
async fn c4_an_empty_client_id_is_refused() {
    let harness = Harness::start().await;
    let request = harness
        .http
        .get(harness.url("/api/emrs/takecare/care-units"))
        .header("x-leyr-client-id", "");
    assert_documented_401(&harness.send(request).await, UNKNOWN_CLIENT);
}

#[tokio::test]
async fn c4_a_configured_client_id_must_match() {
    let harness = Harness::with(|builder| builder.client_id("the-app")).await;
    let wrong = harness.get("/api/emrs/takecare/care-units").await;
    assert_documented_401(&wrong, UNKNOWN_CLIENT);
    let right = harness
        .http
        .get(harness.url("/api/emrs/takecare/care-units"))
        .header("x-leyr-client-id", "the-app");
    assert_eq!(harness.send(right).await.status, 200);
}

#[tokio::test]
async fn c4_a_configured_secret_must_match() {
    let harness = Harness::with(|builder| builder.client_secret("s3cret")).await;
    let missing = harness.get("/api/emrs/takecare/care-units").await;
    assert_documented_401(&missing, "The provided client secret is not valid.");
    let wrong = harness
        .request(Method::GET, "/api/emrs/takecare/care-units")
        .header("x-leyr-client-secret", "guess");
    assert_documented_401(
        &harness.send(wrong).await,
        "The provided client secret is not valid.",
    );
    let right = harness
        .request(Method::GET, "/api/emrs/takecare/care-units")
        .header("x-leyr-client-secret", "s3cret");
    assert_eq!(harness.send(right).await.status, 200);
}

#[tokio::test]
async fn c4_authentication_comes_before_routing_and_every_other_check() {
    let harness = Harness::start().await;
    for (method, path) in [
        (Method::GET, "/no/such/route".to_owned()),
        (Method::DELETE, format!("{CU}/appointments")),
        (Method::GET, "/api/emrs/webdoc/care-units".to_owned()),
        (
            Method::GET,
            "/api/emrs/takecare/care-units/99/resources".to_owned(),
        ),
        (Method::POST, format!("{CU}/patients")),
    ] {
        let reply = harness
            .send(
                harness
                    .http
                    .request(method, harness.url(&path))
                    .body("{not json"),
            )
            .await;
        assert_documented_401(&reply, UNKNOWN_CLIENT);
    }
}

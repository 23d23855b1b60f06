//! C48: `GET /openapi.json` answers the OpenAPI description without credentials, and the
//! router serves exactly what it describes.

use leyr_sandbox::HttpFault;
use leyr_wire::route::ROUTES;
use reqwest::Method;
use serde_json::Value;

use crate::support::Harness;

/// The methods a client might try on a path.
const METHODS: [Method; 5] = [
    Method::GET,
    Method::POST,
    Method::PUT,
    Method::PATCH,
    Method::DELETE,
];

/// The description as a client with no credentials gets it: status, content type and text.
async fn fetch(harness: &Harness) -> (u16, String, String) {
    let response = harness
        .http
        .get(harness.url("/openapi.json"))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (status, content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn c48_the_description_is_served_without_credentials() {
    let harness = Harness::start().await;
    let (status, content_type, text) = fetch(&harness).await;
    assert_eq!(status, 200, "{text}");
    assert_eq!(content_type, "application/json");
    let document: Value = serde_json::from_str(&text).unwrap();
    assert!(
        document["openapi"].as_str().unwrap().starts_with("3.1."),
        "{}",
        document["openapi"]
    );
    assert_eq!(
        text,
        leyr_wire::openapi::to_json(&leyr_wire::openapi::document()).unwrap(),
        "the sandbox serves the description as `docs/openapi.json` holds it"
    );
    for route in ROUTES {
        let method = route.method.as_str().to_lowercase();
        let operation = &document["paths"][route.template.as_str()][method.as_str()];
        let id = operation["operationId"].as_str().unwrap_or_default();
        assert!(
            id.split("_or_").any(|name| name == route.operation.name()),
            "{} {}: {operation}",
            route.method,
            route.template
        );
    }
}

#[tokio::test]
async fn c48_every_method_on_every_described_path_is_served_as_described() {
    let harness = Harness::start().await;
    let (_, _, text) = fetch(&harness).await;
    let document: Value = serde_json::from_str(&text).unwrap();
    let paths = document["paths"].as_object().unwrap();
    assert_eq!(paths.len(), 11, "one path item per template");
    for (template, item) in paths {
        let mut path = template.clone();
        for operation in item.as_object().unwrap().values() {
            for parameter in operation["parameters"].as_array().unwrap() {
                if parameter["in"] == "path" {
                    let name = parameter["name"].as_str().unwrap();
                    let example = parameter["example"].as_str().unwrap();
                    path = path.replace(&format!("{{{name}}}"), example);
                }
            }
        }
        for method in METHODS {
            let described = item.get(method.as_str().to_lowercase().as_str()).is_some();
            let reply = harness
                .send(harness.request(method.clone(), &path).body("{}"))
                .await;
            if described {
                assert!(
                    ![404, 405].contains(&reply.status) && reply.status < 500,
                    "{method} {path}: {} {}",
                    reply.status,
                    reply.body
                );
            } else {
                reply.assert_problem(405, "METHOD_NOT_ALLOWED");
            }
        }
    }
}

#[tokio::test]
async fn c48_only_the_description_goes_without_credentials_and_faults() {
    let harness = Harness::start().await;
    harness.sandbox.faults().next(HttpFault::ServiceUnavailable);
    let (status, _, _) = fetch(&harness).await;
    assert_eq!(status, 200);
    assert_eq!(
        harness.sandbox.faults().pending(),
        1,
        "the description takes no scripted fault"
    );
    let other_method = harness
        .send(harness.http.post(harness.url("/openapi.json")))
        .await;
    other_method.assert_problem(405, "METHOD_NOT_ALLOWED");
    for path in ["/openapi.yaml", "/openapi.json/", "/api/openapi.json"] {
        let reply = harness.send(harness.http.get(harness.url(path))).await;
        reply.assert_problem(401, "UNAUTHORIZED");
    }
}

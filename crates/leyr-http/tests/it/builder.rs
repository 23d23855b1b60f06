//! The builder: defaults, validation (C1) and a `Debug` without the secret.

use std::time::Duration;

use leyr_domain::retry::RetryPolicy;
use leyr_http::{BuildError, LeyrClient};
use secrecy::SecretString;

use crate::support::{CLIENT_ID, CLIENT_SECRET};

fn with_credentials() -> leyr_http::LeyrClientBuilder {
    LeyrClient::builder().credentials(CLIENT_ID, SecretString::from(CLIENT_SECRET))
}

#[test]
fn the_defaults_are_leyrs_host_and_takecare_c1() {
    let client = with_credentials().build().unwrap();

    assert_eq!(client.base_url(), "https://api.leyr.io/");
    assert_eq!(client.emr(), "takecare");
}

#[test]
fn credentials_are_required() {
    let missing_id = LeyrClient::builder()
        .client_secret(SecretString::from(CLIENT_SECRET))
        .build();
    assert!(matches!(missing_id, Err(BuildError::MissingClientId)));
    let missing_secret = LeyrClient::builder().client_id(CLIENT_ID).build();
    assert!(matches!(
        missing_secret,
        Err(BuildError::MissingClientSecret)
    ));
    let empty_secret = LeyrClient::builder()
        .credentials(CLIENT_ID, SecretString::from(""))
        .build();
    assert!(matches!(empty_secret, Err(BuildError::MissingClientSecret)));
    let unsendable = LeyrClient::builder()
        .credentials(CLIENT_ID, SecretString::from("a\nb"))
        .build();
    assert!(matches!(unsendable, Err(BuildError::InvalidCredentials)));
}

#[test]
fn the_base_url_must_be_an_absolute_http_url_without_query_fragment_or_userinfo_c1() {
    for bad in [
        "api.leyr.io",
        "/api",
        "ftp://api.leyr.io",
        "file:///etc/passwd",
        "https://api.leyr.io/?x=1",
        "https://api.leyr.io/#top",
        "https://user:pass@api.leyr.io",
        "mailto:leyr@example.com",
    ] {
        let result = with_credentials().base_url(bad).build();
        assert!(
            matches!(result, Err(BuildError::InvalidBaseUrl)),
            "{bad}: {result:?}"
        );
    }
    for good in [
        "http://127.0.0.1:8080",
        "https://api.leyr.io",
        "https://gateway.example.com/leyr/",
    ] {
        assert!(with_credentials().base_url(good).build().is_ok(), "{good}");
    }
}

#[test]
fn other_settings_are_checked() {
    assert!(matches!(
        with_credentials().emr("").build(),
        Err(BuildError::InvalidEmr)
    ));
    assert!(matches!(
        with_credentials().user_agent("bad\nagent").build(),
        Err(BuildError::InvalidUserAgent)
    ));
    assert!(matches!(
        with_credentials().attempt_timeout(Duration::ZERO).build(),
        Err(BuildError::InvalidTimeout)
    ));
    assert!(matches!(
        with_credentials().deadline(Duration::ZERO).build(),
        Err(BuildError::InvalidTimeout)
    ));
}

#[test]
fn a_caller_supplied_http_client_is_accepted() {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    assert!(with_credentials().http_client(http).build().is_ok());
}

#[test]
fn debug_of_the_client_and_builder_never_shows_the_secret() {
    let builder = with_credentials().retry_policy(RetryPolicy::never());
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    let clone_debug = format!("{:?}", client.clone());

    for debug in [&builder_debug, &client_debug, &clone_debug] {
        assert!(!debug.contains(CLIENT_SECRET), "{debug}");
        assert!(!debug.contains("s3cr3t"), "{debug}");
        assert!(debug.contains("<redacted>"), "{debug}");
    }
    assert!(client_debug.contains(CLIENT_ID));
    assert!(
        client_debug
            .starts_with("LeyrClient { base_url: \"https://api.leyr.io/\", emr: \"takecare\"")
    );
}

#[test]
fn build_errors_never_echo_a_credential() {
    let error = LeyrClient::builder()
        .credentials("id\u{7f}", SecretString::from(CLIENT_SECRET))
        .build()
        .unwrap_err();
    assert!(!error.to_string().contains(CLIENT_SECRET));
    assert!(!format!("{error:?}").contains(CLIENT_SECRET));
}

fn environment(
    pairs: &'static [(&'static str, &'static str)],
) -> impl Fn(&'static str) -> Option<std::ffi::OsString> {
    move |name| {
        pairs
            .iter()
            .find(|(key, _)| *key == name)
            .map(|(_, value)| std::ffi::OsString::from(*value))
    }
}

#[test]
fn from_env_reads_the_variables_the_command_line_reads() {
    let client = LeyrClient::from_lookup(environment(&[
        ("LEYR_CLIENT_ID", "my-app"),
        ("LEYR_CLIENT_SECRET", "s3cret"),
        ("LEYR_BASE_URL", "http://127.0.0.1:8080"),
        ("LEYR_EMR", "cliniko"),
        ("LEYR_TIMEOUT", "45"),
    ]))
    .unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:8080/");
    assert_eq!(client.emr(), "cliniko");
    assert!(!format!("{client:?}").contains("s3cret"));

    let defaults = LeyrClient::from_lookup(environment(&[
        ("LEYR_CLIENT_ID", "my-app"),
        ("LEYR_CLIENT_SECRET", "s3cret"),
        ("LEYR_BASE_URL", ""),
    ]))
    .unwrap();
    assert_eq!(defaults.base_url(), "https://api.leyr.io/");
    assert_eq!(defaults.emr(), "takecare");
}

#[test]
fn from_env_names_what_is_missing_or_unusable_never_the_value() {
    let missing_secret = LeyrClient::from_lookup(environment(&[("LEYR_CLIENT_ID", "my-app")]));
    assert!(matches!(
        missing_secret,
        Err(BuildError::MissingClientSecret)
    ));
    let missing_id = LeyrClient::from_lookup(environment(&[("LEYR_CLIENT_SECRET", "s3cret")]));
    assert!(matches!(missing_id, Err(BuildError::MissingClientId)));
    let bad_deadline = LeyrClient::from_lookup(environment(&[
        ("LEYR_CLIENT_ID", "my-app"),
        ("LEYR_CLIENT_SECRET", "s3cret"),
        ("LEYR_TIMEOUT", "soon"),
    ]))
    .unwrap_err();
    assert!(matches!(
        bad_deadline,
        BuildError::InvalidEnvironment("LEYR_TIMEOUT")
    ));
    assert!(!bad_deadline.to_string().contains("soon"));
}

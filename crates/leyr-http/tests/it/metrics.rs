//! The metrics of a scripted run, read from a recording recorder (see the crate docs, "Traces
//! and metrics").

use std::collections::HashMap;

use leyr_domain::appointment::BookingRequest;
use leyr_domain::ports::{AppointmentBook, BookError, PatientDirectory};
use metrics_util::debugging::{DebugValue, DebuggingRecorder};
use metrics_util::{CompositeKey, MetricKind};
use wiremock::{MockServer, ResponseTemplate};

use crate::support::*;

/// Every metric recorded: name and sorted labels, to the counter's value or the histogram's
/// number of samples.
fn snapshot(recorder: &DebuggingRecorder) -> HashMap<String, u64> {
    recorder
        .snapshotter()
        .snapshot()
        .into_vec()
        .into_iter()
        .map(|(key, _, _, value): (CompositeKey, _, _, DebugValue)| {
            let (kind, key) = key.into_parts();
            let mut labels: Vec<String> = key
                .labels()
                .map(|label| format!("{}={}", label.key(), label.value()))
                .collect();
            labels.sort();
            let name = format!("{}{{{}}}", key.name(), labels.join(","));
            let count = match (kind, value) {
                (MetricKind::Counter, DebugValue::Counter(value)) => value,
                (MetricKind::Histogram, DebugValue::Histogram(samples)) => samples.len() as u64,
                _ => 0,
            };
            (name, count)
        })
        .collect()
}

fn run<T>(future: impl Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(future)
}

#[test]
fn a_read_with_a_retry_records_its_requests_attempts_and_retries() {
    let recorder = DebuggingRecorder::new();
    metrics::with_local_recorder(&recorder, || {
        run(async {
            let server = MockServer::start().await;
            alfa_after_one_503(&server).await;
            client(&server)
                .get_patient(&care_unit(), &alfa().into())
                .await
                .unwrap();
        });
    });
    let metrics = snapshot(&recorder);
    let template = "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}";
    let expected = [
        (
            "leyr.requests{leyr.operation=get_patient,outcome=ok}".to_owned(),
            1,
        ),
        ("leyr.retries{leyr.operation=get_patient}".to_owned(), 1),
        (
            "leyr.request.duration{leyr.operation=get_patient}".to_owned(),
            1,
        ),
        (
            format!(
                "http.client.request.duration{{error.type=503,http.request.method=GET,http.response.status_code=503,url.template={template}}}"
            ),
            1,
        ),
        (
            format!(
                "http.client.request.duration{{http.request.method=GET,http.response.status_code=200,url.template={template}}}"
            ),
            1,
        ),
    ];
    for (name, count) in &expected {
        assert_eq!(metrics.get(name), Some(count), "{name} in {metrics:#?}");
    }
    assert_eq!(metrics.len(), expected.len(), "{metrics:#?}");
    let everything = format!("{metrics:?}");
    assert!(!everything.contains(ALFA) && !everything.contains("se_personal_number"));
}

#[test]
fn a_booking_whose_answer_is_lost_counts_as_outcome_unknown() {
    let recorder = DebuggingRecorder::new();
    metrics::with_local_recorder(&recorder, || {
        run(async {
            let server = MockServer::start().await;
            leyr("POST", format!("{CU}/appointments"))
                .respond_with(ResponseTemplate::new(504))
                .expect(1)
                .mount(&server)
                .await;
            let slot = listed_slot();
            let request = BookingRequest {
                patient: alfa().into(),
                slot,
                comment: None,
            };
            let error = client(&server)
                .book(&care_unit(), &request)
                .await
                .unwrap_err();
            assert!(matches!(error, BookError::OutcomeUnknown(_)), "{error:?}");
        });
    });
    let metrics = snapshot(&recorder);
    assert_eq!(
        metrics.get("leyr.requests{leyr.operation=book,outcome=outcome_unknown}"),
        Some(&1),
        "{metrics:#?}"
    );
    assert_eq!(
        metrics.get("leyr.outcome_unknown{leyr.operation=book}"),
        Some(&1),
        "{metrics:#?}"
    );
    assert_eq!(metrics.get("leyr.retries{leyr.operation=book}"), None);
}

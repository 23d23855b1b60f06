//! Checks of `CareUnitCatalog`: the seeded care unit, resources and services are listed, with
//! their names, in id order.

use chrono::TimeDelta;

use crate::Ports;
use crate::seed::{
    CARE_UNIT, DR_EHN, FOLLOW_UP_DOCTOR_VISIT, NEW_DOCTOR_VISIT, NURSE_LIND, NURSE_VISIT,
};
use crate::support::care_unit;

/// The care units listed include the sandbox's `10`, in id order.
pub async fn care_units_include_the_sandbox_unit(subject: &Ports) {
    let units = subject
        .catalog
        .list_care_units()
        .await
        .expect("list_care_units failed");
    assert!(
        units.iter().any(|unit| unit.id.as_str() == CARE_UNIT),
        "care unit 10 is not listed: {units:?}"
    );
    assert!(
        units.windows(2).all(|pair| pair[0].id < pair[1].id),
        "care units are not in id order: {units:?}"
    );
    let sandbox = units
        .iter()
        .find(|unit| unit.id.as_str() == CARE_UNIT)
        .expect("care unit 10");
    assert!(
        sandbox
            .name
            .as_deref()
            .is_none_or(|name| name == "Vårdenhet 10"),
        "care unit 10 is misnamed: {sandbox:?}"
    );
}

/// The resources are Dr Ehn and nurse Lind with the seed's names, in id order.
pub async fn resources_are_listed_in_id_order(subject: &Ports) {
    let resources = subject
        .catalog
        .list_resources(&care_unit())
        .await
        .expect("list_resources failed");
    let listed: Vec<(&str, Option<&str>)> = resources
        .iter()
        .map(|resource| (resource.id.as_str(), resource.name.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            (DR_EHN, Some("Läkare Ehn (läk)")),
            (NURSE_LIND, Some("Sjuksköterska Lind (ssk)"))
        ],
        "resources of care unit 10"
    );
}

/// The services are 1001, 1002 and 1003 with the seed's names and durations, in id order.
pub async fn healthcare_services_are_listed_in_id_order(subject: &Ports) {
    let services = subject
        .catalog
        .list_healthcare_services(&care_unit())
        .await
        .expect("list_healthcare_services failed");
    let listed: Vec<(&str, Option<&str>, Option<TimeDelta>)> = services
        .iter()
        .map(|service| {
            (
                service.id.as_str(),
                service.name.as_deref(),
                service.duration,
            )
        })
        .collect();
    assert_eq!(
        listed,
        [
            (
                NEW_DOCTOR_VISIT,
                Some("Nybesök läkare"),
                Some(TimeDelta::minutes(30))
            ),
            (
                FOLLOW_UP_DOCTOR_VISIT,
                Some("Återbesök läkare"),
                Some(TimeDelta::minutes(15))
            ),
            (
                NURSE_VISIT,
                Some("Sjuksköterskebesök"),
                Some(TimeDelta::minutes(20))
            ),
        ],
        "healthcare services of care unit 10"
    );
}

/// `get_resource` returns each listed resource as listed.
pub async fn get_resource_returns_each_listed_resource(subject: &Ports) {
    let resources = subject
        .catalog
        .list_resources(&care_unit())
        .await
        .expect("list_resources failed");
    for listed in resources {
        let got = subject
            .catalog
            .get_resource(&care_unit(), &listed.id)
            .await
            .expect("get_resource of a listed resource failed");
        assert_eq!(
            got, listed,
            "get_resource({}) differs from the listing",
            listed.id
        );
    }
}

//! A million slots load, and a one-week query still finds its slots.

use chrono::{Datelike, NaiveDate, TimeDelta, TimeZone, Weekday};
use leyr_domain::catalog::{CareUnit, HealthcareService, Resource};
use leyr_domain::ids::CareUnitId;
use leyr_domain::ports::Availability;
use leyr_domain::time::STOCKHOLM;
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_in_memory::{CareUnitData, Dataset, InMemoryEhr, ManualClock, ResourceData};

use crate::{care_unit, resource, service, utc};

/// 50 resources with 20 000 explicit 15-minute weekday slots each (32 a day from 2025-01-06):
/// 1 000 000 slots.
fn million_slots() -> Dataset {
    let mut unit = CareUnitData::new(CareUnit {
        id: care_unit(),
        name: None,
    });
    unit.services = vec![HealthcareService {
        id: service("S"),
        name: None,
        duration: Some(TimeDelta::minutes(15)),
    }];
    let mut day = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
    let mut days = Vec::new();
    while days.len() < 625 {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            days.push(
                STOCKHOLM
                    .from_local_datetime(&day.and_hms_opt(8, 0, 0).unwrap())
                    .unwrap()
                    .fixed_offset(),
            );
        }
        day = day.succ_opt().unwrap();
    }
    for number in 0..50 {
        let id = resource(&format!("R{number:02}"));
        unit.resources.push(ResourceData {
            resource: Resource {
                id: id.clone(),
                name: None,
            },
            services: vec![service("S")],
        });
        for opening in &days {
            for slot in 0..32 {
                let start = *opening + TimeDelta::minutes(15 * slot);
                unit.timeslots.push(
                    Timeslot::new(
                        start,
                        start + TimeDelta::minutes(15),
                        id.clone(),
                        service("S"),
                    )
                    .unwrap(),
                );
            }
        }
    }
    Dataset {
        care_units: vec![unit],
    }
}

#[tokio::test]
async fn a_million_slots_load_and_a_week_of_one_resource_is_found() {
    let dataset = million_slots();
    assert_eq!(dataset.explicit_timeslot_count(), 1_000_000);
    let clock = ManualClock::new(utc("2025-01-01T00:00:00Z"));
    let ehr = InMemoryEhr::builder()
        .clock(std::sync::Arc::new(clock))
        .dataset(dataset)
        .build()
        .unwrap();
    assert_eq!(ehr.timeslot_count(), 1_000_000);
    let monday = STOCKHOLM
        .with_ymd_and_hms(2025, 6, 2, 0, 0, 0)
        .unwrap()
        .fixed_offset();
    let window = TimeWindow::starting_at(monday, TimeDelta::days(7)).unwrap();
    let query = TimeslotQuery::new(window).resource(resource("R17"));
    let week = ehr.find_timeslots(&care_unit(), &query).await.unwrap();
    assert_eq!(week.len(), 5 * 32);
    assert!(week.iter().all(|slot| query.matches(slot)));
    let _: CareUnitId = care_unit();
}

//! Benchmarks of the in-memory adapter, each beside the baseline it must be compared with:
//!
//! - `timeslot_query`: one resource, one week, over 1 000 000 slots: the port against a linear
//!   scan of the same slots (a `Vec<Timeslot>` filtered by the same query);
//! - `booking_throughput`: two threads booking distinct slots through the port, against two
//!   threads inserting the same number of distinct keys into a bare `Mutex<HashMap>`;
//! - `dataset_load`: building an adapter from 1 000 000 explicit slots, and from the weekday
//!   generator making 1 000 000 slots.
//!
//! Run with `cargo bench -p leyr-in-memory --bench in_memory`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use leyr_domain::national_id::NationalId;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::{Arc, Barrier, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, TimeZone, Utc, Weekday};
use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use leyr_domain::appointment::BookingRequest;
use leyr_domain::catalog::{HealthcareService, Resource};
use leyr_domain::ids::{CareUnitId, HealthcareServiceId, ResourceId};
use leyr_domain::patient::PatientRef;
use leyr_domain::ports::{AppointmentBook, Availability};
use leyr_domain::time::STOCKHOLM;
use leyr_domain::timeslot::{TimeWindow, Timeslot, TimeslotQuery};
use leyr_in_memory::{
    CareUnitData, Dataset, InMemoryEhr, ManualClock, ResourceData, WeekdaySlots, seed,
};

const RESOURCES: usize = 50;

/// What the baseline keys a booking by.
type SlotKey = (ResourceId, DateTime<FixedOffset>);
const WEEKDAYS: usize = 625;
const SLOTS_PER_DAY: i64 = 32;

fn care_unit() -> CareUnitId {
    CareUnitId::new(seed::CARE_UNIT).unwrap()
}

fn service() -> HealthcareServiceId {
    HealthcareServiceId::new("S").unwrap()
}

fn resource(number: usize) -> ResourceId {
    ResourceId::new(format!("R{number:02}")).unwrap()
}

/// A care unit with `RESOURCES` resources offering one 15-minute service, and one patient.
fn unit_shell() -> CareUnitData {
    let mut unit = seed::TAKECARE
        .dataset(NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(), 0)
        .care_units
        .remove(0);
    unit.appointments.clear();
    unit.notes.clear();
    unit.weekday_slots = None;
    unit.services = vec![HealthcareService {
        id: service(),
        name: None,
        duration: Some(TimeDelta::minutes(15)),
    }];
    unit.resources = (0..RESOURCES)
        .map(|number| ResourceData {
            resource: Resource {
                id: resource(number),
                name: None,
            },
            services: vec![service()],
        })
        .collect();
    unit
}

/// 08:00 Stockholm on each of the first `count` weekdays from 2025-01-06.
fn openings(count: usize) -> Vec<DateTime<FixedOffset>> {
    let mut day = NaiveDate::from_ymd_opt(2025, 1, 6).unwrap();
    let mut openings = Vec::with_capacity(count);
    while openings.len() < count {
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            openings.push(
                STOCKHOLM
                    .from_local_datetime(&day.and_hms_opt(8, 0, 0).unwrap())
                    .unwrap()
                    .fixed_offset(),
            );
        }
        day = day.succ_opt().unwrap();
    }
    openings
}

/// `per_resource` explicit 15-minute slots for each resource, 32 a weekday.
fn explicit_slots(per_resource: usize) -> Vec<Timeslot> {
    let days = openings(per_resource.div_ceil(SLOTS_PER_DAY as usize));
    let mut slots = Vec::with_capacity(per_resource * RESOURCES);
    for number in 0..RESOURCES {
        let id = resource(number);
        for opening in &days {
            for slot in 0..SLOTS_PER_DAY {
                let start = *opening + TimeDelta::minutes(15 * slot);
                slots.push(
                    Timeslot::new(start, start + TimeDelta::minutes(15), id.clone(), service())
                        .unwrap(),
                );
            }
        }
        slots.truncate((number + 1) * per_resource);
    }
    slots
}

fn dataset_with(slots: Vec<Timeslot>) -> Dataset {
    let mut unit = unit_shell();
    unit.timeslots = slots;
    Dataset {
        care_units: vec![unit],
    }
}

fn clock_before_everything() -> Arc<ManualClock> {
    Arc::new(ManualClock::new(
        DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z")
            .unwrap()
            .with_timezone(&Utc),
    ))
}

fn timeslot_query(c: &mut Criterion) {
    let slots = explicit_slots(WEEKDAYS * SLOTS_PER_DAY as usize);
    assert_eq!(slots.len(), 1_000_000);
    let clock = clock_before_everything();
    let ehr = InMemoryEhr::builder()
        .clock(clock.clone())
        .dataset(dataset_with(slots.clone()))
        .build()
        .unwrap();
    let now = DateTime::parse_from_rfc3339("2025-01-01T00:00:00Z").unwrap();
    let monday = STOCKHOLM
        .with_ymd_and_hms(2025, 6, 2, 0, 0, 0)
        .unwrap()
        .fixed_offset();
    let query = TimeslotQuery::new(TimeWindow::starting_at(monday, TimeDelta::days(7)).unwrap())
        .resource(resource(17));
    let runtime = tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap();
    let unit = care_unit();
    let through_port = runtime.block_on(ehr.find_timeslots(&unit, &query)).unwrap();
    let scanned: Vec<Timeslot> = slots
        .iter()
        .filter(|slot| query.matches(slot) && slot.start() > now)
        .cloned()
        .collect();
    assert_eq!(through_port, scanned, "both sides find the same 160 slots");
    assert_eq!(scanned.len(), 160);

    let mut group = c.benchmark_group("timeslot_query");
    group.bench_function("port_one_resource_one_week_of_1m", |b| {
        b.iter(|| {
            runtime
                .block_on(ehr.find_timeslots(black_box(&unit), black_box(&query)))
                .unwrap()
        });
    });
    group.bench_function("linear_scan_of_1m", |b| {
        b.iter(|| {
            black_box(&slots)
                .iter()
                .filter(|slot| query.matches(slot) && slot.start() > now)
                .cloned()
                .collect::<Vec<Timeslot>>()
        });
    });
    group.finish();
}

/// Runs `work(thread, barrier)` on two threads; each does its setup, waits on the barrier, then
/// works. Returns the time from the barrier's release to both threads' end.
fn two_threads<F>(work: F) -> Duration
where
    F: Fn(usize, &Barrier) + Send + Sync + 'static,
{
    let work = Arc::new(work);
    let barrier = Arc::new(Barrier::new(3));
    let handles: Vec<_> = (0..2)
        .map(|thread| {
            let (work, barrier) = (Arc::clone(&work), Arc::clone(&barrier));
            thread::spawn(move || work(thread, &barrier))
        })
        .collect();
    barrier.wait();
    let started = Instant::now();
    for handle in handles {
        handle.join().unwrap();
    }
    started.elapsed()
}

/// The slot keys both sides of `booking_throughput` take: thread `t` takes every other one.
fn split(iterations: u64) -> [usize; 2] {
    let iterations = usize::try_from(iterations).unwrap();
    [iterations.div_ceil(2), iterations / 2]
}

fn booking_throughput(c: &mut Criterion) {
    let mut group = c.benchmark_group("booking_throughput");
    group.sample_size(30);
    let patient = PatientRef::National(NationalId::Personnummer(
        seed::RECOMMENDED_PATIENT.parse().unwrap(),
    ));

    group.bench_function("port_2_threads", |b| {
        let patient = patient.clone();
        b.iter_custom(|iterations| {
            // A fresh world per sample with exactly enough free slots, interleaved between the
            // threads so both contend for the same resources' records.
            let per_resource = usize::try_from(iterations)
                .unwrap()
                .div_ceil(RESOURCES)
                .max(1);
            let slots = explicit_slots(per_resource);
            let ehr = InMemoryEhr::builder()
                .clock(clock_before_everything())
                .dataset(dataset_with(slots.clone()))
                .build()
                .unwrap();
            let counts = split(iterations);
            let requests: Vec<Vec<BookingRequest>> = (0..2)
                .map(|thread| {
                    slots
                        .iter()
                        .skip(thread)
                        .step_by(2)
                        .take(counts[thread])
                        .map(|slot| BookingRequest {
                            patient: patient.clone(),
                            slot: slot.clone(),
                            comment: None,
                        })
                        .collect()
                })
                .collect();
            let requests = Arc::new(Mutex::new(requests));
            two_threads(move |thread, barrier| {
                let mine = std::mem::take(&mut requests.lock().unwrap()[thread]);
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                let unit = care_unit();
                barrier.wait();
                runtime.block_on(async {
                    for request in &mine {
                        black_box(ehr.book(&unit, request).await.unwrap());
                    }
                });
            })
        });
    });

    group.bench_function("mutex_hashmap_2_threads", |b| {
        b.iter_custom(|iterations| {
            let counts = split(iterations);
            let per_resource = usize::try_from(iterations)
                .unwrap()
                .div_ceil(RESOURCES)
                .max(1);
            let slots = explicit_slots(per_resource);
            // The least a booking store does: check that the (resource, start) key is free and
            // insert who holds it, under one lock.
            let keys: Vec<Vec<(SlotKey, String)>> = (0..2)
                .map(|thread| {
                    slots
                        .iter()
                        .skip(thread)
                        .step_by(2)
                        .take(counts[thread])
                        .map(|slot| {
                            (
                                (slot.resource_id().clone(), slot.start()),
                                seed::RECOMMENDED_PATIENT.to_owned(),
                            )
                        })
                        .collect()
                })
                .collect();
            let keys = Arc::new(Mutex::new(keys));
            let map: Arc<Mutex<HashMap<SlotKey, String>>> = Arc::default();
            two_threads(move |thread, barrier| {
                let mine = std::mem::take(&mut keys.lock().unwrap()[thread]);
                barrier.wait();
                for (key, holder) in mine {
                    let mut map = map.lock().unwrap();
                    let vacant = !map.contains_key(&key);
                    assert!(vacant);
                    map.insert(key, holder);
                }
            })
        });
    });
    group.finish();
}

fn dataset_load(c: &mut Criterion) {
    let mut group = c.benchmark_group("dataset_load");
    group.sample_size(10);
    let dataset = dataset_with(explicit_slots(WEEKDAYS * SLOTS_PER_DAY as usize));
    group.bench_function("explicit_1m_slots", |b| {
        b.iter_batched(
            || dataset.clone(),
            |dataset| {
                InMemoryEhr::builder()
                    .clock(clock_before_everything())
                    .dataset(dataset)
                    .build()
                    .unwrap()
            },
            BatchSize::PerIteration,
        );
    });
    let mut generated = unit_shell();
    generated.weekday_slots = Some(WeekdaySlots {
        from: NaiveDate::from_ymd_opt(2025, 1, 6).unwrap(),
        days: 875,
    });
    let generated = Dataset {
        care_units: vec![generated],
    };
    assert_eq!(
        InMemoryEhr::builder()
            .dataset(generated.clone())
            .build()
            .unwrap()
            .timeslot_count(),
        1_000_000
    );
    group.bench_function("generated_1m_slots", |b| {
        b.iter_batched(
            || generated.clone(),
            |dataset| {
                InMemoryEhr::builder()
                    .clock(clock_before_everything())
                    .dataset(dataset)
                    .build()
                    .unwrap()
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, timeslot_query, booking_throughput, dataset_load);
criterion_main!(benches);

//! The contract suite every Leyr booking adapter must pass, written once against the domain
//! ports.
//!
//! Every check takes the adapter as the domain's [`Ports`] bundle: its six ports and its clock.
//! [`run_all`] runs every
//! check in a fixed order; each check is also a `pub async fn` of its own, named after the
//! obligation it checks, so a failing one can be run alone. The checks run against the seeded
//! TakeCare sandbox data (contract C32): care unit `10`, Dr Ehn `10-991890000019` (services
//! `1001`, `1002`), nurse Lind `10-991890000027` (service `1003`) and the seven test patients.
//!
//! The suite asserts only what the ports promise, so it passes for `leyr-in-memory` directly
//! and for `leyr-http` talking to `leyr-sandbox`. Where adapters may differ it accepts each
//! allowed answer explicitly: an adapter that knows the appointment lifecycle answers
//! `ChangeError::Forbidden`, one that only hears Leyr's `BAD_INPUT` answers
//! `ChangeError::Rejected`; a registration whose answer is lost may be retried by the adapter
//! itself (it is an upsert) or reported as `OutcomeUnknown`.
//!
//! The checks expect the world as seeded on the date of the bundle's clock (the seed is dated from
//! the adapter's clock), and the clock standing still while they run.
//!
//! Each check picks its slots by listing what is free when it runs (each in its own days ahead
//! of now), and leaves every booking it makes either cancelled or in place, so the checks can
//! run one after another on one world, and [`run_all`] can run twice on the same adapter.
//!
//! ```no_run
//! use std::sync::Arc;
//! use leyr_domain::ports::{Clock, Ports};
//! # async fn example<A>(adapter: A, clock: Arc<dyn Clock>)
//! # where A: leyr_domain::ports::CareUnitCatalog + leyr_domain::ports::PatientDirectory
//! #     + leyr_domain::ports::Availability + leyr_domain::ports::AppointmentBook
//! #     + leyr_domain::ports::MedicalNotes + leyr_domain::ports::PatientDocuments
//! #     + leyr_domain::ports::Capabilities + 'static {
//! let subject = Ports::from_adapter(adapter, clock);
//! leyr_contract::run_all(&subject).await;
//! # }
//! ```
//!
//! [`run_profile`] runs the checks that hold for every EHR profile (§9.2) against a seed world
//! of `leyr_in_memory::seed::WORLDS`: each check knows the capability it needs, checks it
//! where the profile has it and expects the typed "not supported" refusal where it does not;
//! the confirmation steps run where the profile confirms by code (Anita Systems), reading the
//! code from the in-memory EHR's message log.
//!
//! Two checks need more than the ports, so they are not part of [`run_all`]:
//!
//! - [`confirmation_flow`] needs an adapter configured with a confirmation code (contract C25);
//! - [`lost_answers_are_outcome_unknown_and_the_writes_happen`] needs a way to make the adapter
//!   do a write and lose its answer ([`LoseAnswers`]): an in-memory fault script, or a sandbox
//!   told to drop the connection after doing the work (C31).

// A test-support crate: its checks fail by panicking, with a message saying what broke.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod booking;
mod catalog;
mod changes;
mod confirmation;
mod lost_answers;
mod not_found;
mod notes_and_documents;
mod patients;
mod profiles;
mod seed;
mod support;
mod timeslots;

use leyr_domain::ports::Ports;

pub use booking::{
    a_resource_filter_lists_that_resource_only,
    a_slot_is_matched_by_its_instants_whatever_the_offset,
    an_appointment_is_found_by_its_id_in_every_status,
    an_appointment_window_must_end_after_it_starts,
    appointments_are_listed_by_patient_resource_and_window,
    booking_a_taken_or_unlisted_slot_is_slot_taken,
    booking_takes_the_slot_and_every_overlapping_slot, booking_with_a_too_long_comment_is_rejected,
    concurrent_bookings_of_one_slot_have_exactly_one_winner, the_recommended_patient_has_a_history,
};
pub use catalog::{
    care_units_include_the_sandbox_unit, get_resource_returns_each_listed_resource,
    healthcare_services_are_listed_in_id_order, resources_are_listed_in_id_order,
};
pub use changes::{
    cancel_frees_the_slot, cancel_many_answers_in_batch_order, cancel_many_is_all_or_nothing,
    cancelling_twice_is_harmless, reschedule_moves_to_a_free_slot_and_back,
    terminal_states_refuse_changes,
};
pub use confirmation::confirmation_flow;
pub use lost_answers::{
    LoseAnswers, Write, lost_answers_are_outcome_unknown_and_the_writes_happen,
};
pub use not_found::{
    an_unknown_care_unit_is_not_found_by_any_method, unknown_ids_are_not_found_with_their_kind,
};
pub use notes_and_documents::{
    an_unknown_author_is_not_found, document_upload_returns_metadata,
    notes_round_trip_oldest_first, several_notes_are_listed_oldest_first,
};
pub use patients::{
    a_leyr_patient_id_does_not_address_a_patient, find_patients_matches_names_ignoring_case,
    patient_lookups_by_personnummer_and_emr_id_agree, register_patient_is_an_upsert,
    register_patient_refuses_a_birth_date_after_today,
};
pub use profiles::{
    notes_and_documents_where_the_profile_keeps_them, registration_follows_the_profile,
    run_profile, seed_patients_are_found_where_the_profile_looks_them_up,
    the_catalog_is_the_seed_world, the_lifecycle_works_as_far_as_the_profile_goes,
};
pub use seed::{
    CARE_UNIT, DR_EHN, FOLLOW_UP_DOCTOR_VISIT, NEW_DOCTOR_VISIT, NURSE_LIND, NURSE_VISIT,
    test_patients,
};
pub use timeslots::{
    a_window_without_free_slots_gives_no_timeslots,
    thirty_days_from_now_hold_slots_of_both_resources, timeslots_match_their_query,
};

/// Runs every check of the suite, in this order. Needs an adapter that books directly (no
/// confirmation code).
pub async fn run_all(subject: &Ports) {
    care_units_include_the_sandbox_unit(subject).await;
    resources_are_listed_in_id_order(subject).await;
    healthcare_services_are_listed_in_id_order(subject).await;
    get_resource_returns_each_listed_resource(subject).await;
    an_unknown_care_unit_is_not_found_by_any_method(subject).await;
    unknown_ids_are_not_found_with_their_kind(subject).await;
    patient_lookups_by_personnummer_and_emr_id_agree(subject).await;
    a_leyr_patient_id_does_not_address_a_patient(subject).await;
    find_patients_matches_names_ignoring_case(subject).await;
    register_patient_is_an_upsert(subject).await;
    register_patient_refuses_a_birth_date_after_today(subject).await;
    timeslots_match_their_query(subject).await;
    a_window_without_free_slots_gives_no_timeslots(subject).await;
    thirty_days_from_now_hold_slots_of_both_resources(subject).await;
    booking_takes_the_slot_and_every_overlapping_slot(subject).await;
    booking_a_taken_or_unlisted_slot_is_slot_taken(subject).await;
    a_slot_is_matched_by_its_instants_whatever_the_offset(subject).await;
    booking_with_a_too_long_comment_is_rejected(subject).await;
    concurrent_bookings_of_one_slot_have_exactly_one_winner(subject).await;
    appointments_are_listed_by_patient_resource_and_window(subject).await;
    a_resource_filter_lists_that_resource_only(subject).await;
    an_appointment_window_must_end_after_it_starts(subject).await;
    the_recommended_patient_has_a_history(subject).await;
    an_appointment_is_found_by_its_id_in_every_status(subject).await;
    reschedule_moves_to_a_free_slot_and_back(subject).await;
    cancel_frees_the_slot(subject).await;
    cancelling_twice_is_harmless(subject).await;
    terminal_states_refuse_changes(subject).await;
    cancel_many_is_all_or_nothing(subject).await;
    cancel_many_answers_in_batch_order(subject).await;
    notes_round_trip_oldest_first(subject).await;
    several_notes_are_listed_oldest_first(subject).await;
    an_unknown_author_is_not_found(subject).await;
    document_upload_returns_metadata(subject).await;
}

//! Leyr's wire language, in one place: the JSON of every request and answer, the problem
//! document and its error codes, the typed-id grammar, the route templates and the encoding of
//! path segments (the contract of `docs/leyr-api.md`, rules cited by number).
//!
//! Both sides of the wire are built from this crate: `leyr-http` sends requests and reads
//! answers with it, and `leyr-sandbox` reads requests and writes answers with it, so they
//! agree by construction. It knows the domain only through [`mapping`], the one place that
//! converts between Leyr's JSON and `leyr-domain`'s values.
//!
//! - [`dto`]: objects and request bodies, field for field (§3). Request fields are [`Input`]s,
//!   so a reader sees every problem of a body at once (C19).
//! - [`query`]: the query parameters of each listing.
//! - [`problem`]: the error envelope, [`ErrorCode`] with its one mapping to the domain's
//!   rejections, and [`FieldPath`] (§4).
//! - [`field`]: every field and parameter name, so that no other crate spells one.
//! - [`typed_id`]: `{type}:{value}` ids (§2.2).
//! - [`route`]: every route's method and template (§3), and [`segment`]: C9's encoding.
//! - `openapi` (feature `openapi`): the OpenAPI 3.1 description of every route, built from the
//!   types above (C48).
//!
//! ```
//! use leyr_wire::field::Field;
//! use leyr_wire::problem::{ErrorCode, FieldPath, Problem, ProblemEntry};
//! use leyr_wire::route::Template;
//!
//! let path = Template::PATIENT.fill(&["takecare", "10", "se_personal_number:197110021834"])?;
//! assert_eq!(path, "/api/emrs/takecare/care-units/10/patients/se_personal_number:197110021834");
//!
//! let at = FieldPath::body(Field::ExternalId);
//! let problem = Problem::bad_request(vec![ProblemEntry::new(ErrorCode::BadInput, Some(&at))]);
//! let body = serde_json::to_value(problem.body())?;
//! assert_eq!(body["errors"][0]["path"], serde_json::json!(["body", "external_id"]));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Patient data
//!
//! `Debug` of every type that may carry patient data (patients, appointments, notes,
//! documents, their requests, and queries naming a patient) prints only the type name; a
//! problem's `Debug` leaves out `detail` and `details`, which may echo the EHR's own text.

pub mod dto;
pub mod field;
mod input;
pub mod mapping;
#[cfg(feature = "openapi")]
pub mod openapi;
pub mod problem;
pub mod query;
pub mod route;
pub mod segment;
pub mod typed_id;

pub use dto::Input;
pub use field::Field;
pub use problem::{ErrorCode, FieldPath, Problem, ProblemCode, ProblemEntry};

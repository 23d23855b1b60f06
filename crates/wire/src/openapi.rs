//! The OpenAPI 3.1 description of the API (C48), built from this crate's own types: the
//! schemas are derived from [`crate::dto`], [`crate::query`] and [`crate::problem`], the paths
//! come from [`route::ROUTES`], and every example is a value of those types written by serde.
//! None of it is JSON kept by hand, so it says what the client sends and the sandbox answers.
//!
//! Behind the `openapi` feature, off by default: a client has no use for it.
//!
//! ```
//! let document = leyr_wire::openapi::document();
//! let json = leyr_wire::openapi::to_json(&document)?;
//! assert!(json.starts_with("{\n  \"openapi\": \"3.1.0\""));
//! # Ok::<(), serde_json::Error>(())
//! ```
//!
//! # What the document holds
//!
//! - One path item per template, one operation per method: an [`Endpoint`] of
//!   [`route::endpoints`]. An operation's `operationId` is its [`Operation`]'s name. Reschedule,
//!   cancel and confirm share `PATCH {CU}/appointments/{appointment_id}` and are told apart by
//!   the body (§3.11-§3.14), so that operation is `reschedule_or_cancel_or_confirm`, with an
//!   example body for each.
//! - Path parameters come from the template, query parameters from the query types, and every
//!   POST and PATCH takes a JSON body. Success statuses follow C11, C19 and C22; lists are bare
//!   arrays (C10).
//! - Every operation answers Leyr's problem document (§4) for 400, 401, 404, 405, 429 and 503,
//!   for 413 when it takes a body, and for any other status (`default`: `EMR_ERROR` and
//!   `UNKNOWN_ERROR` carry the EHR's own).
//! - Both credential headers (§1.2) are `apiKey` schemes, and every operation requires both.
//! - Examples use the TakeCare seed (C32): care unit `10`, resource `10-991890000019`, service
//!   `1001`, patient `197110021834`.
//!
//! A request field is an [`Input`] in Rust and its value's type here: absent, `null` and
//! ill-typed fields are ways a body goes wrong, which the 400 answer describes.

use std::borrow::Cow;
use std::collections::BTreeMap;

use leyr_domain::ehr::Operation;
use serde::Serialize;
use serde_json::Value;
use utoipa::openapi::content::{Content, ContentBuilder};
use utoipa::openapi::example::ExampleBuilder;
use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::info::{InfoBuilder, LicenseBuilder};
use utoipa::openapi::link::{Link, LinkBuilder};
use utoipa::openapi::path::{
    HttpMethod, OperationBuilder, Parameter, ParameterBuilder, ParameterIn,
};
use utoipa::openapi::request_body::RequestBodyBuilder;
use utoipa::openapi::response::{Response, ResponseBuilder, ResponsesBuilder};
use utoipa::openapi::schema::{
    ArrayBuilder, ComponentsBuilder, ObjectBuilder, OneOfBuilder, Schema, Type,
};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{OpenApi, OpenApiBuilder, Paths, Ref, RefOr, Required};
use utoipa::{IntoParams, ToSchema};

use crate::dto::Input;
use crate::field::Field;
use crate::problem::{ErrorCode, Problem, ProblemCode, ProblemEntry};
use crate::query::{AppointmentParams, PatientSearchParams, TimeslotParams};
use crate::route::{self, CLIENT_ID_HEADER, CLIENT_SECRET_HEADER, Endpoint, Method};

/// The security scheme of [`CLIENT_ID_HEADER`].
const CLIENT_ID_SCHEME: &str = "leyr_client_id";
/// The security scheme of [`CLIENT_SECRET_HEADER`].
const CLIENT_SECRET_SCHEME: &str = "leyr_client_secret";
/// The media type of every body, errors included (C30).
const JSON: &str = "application/json";

/// The description of every route of [`route::ROUTES`].
#[must_use]
pub fn document() -> OpenApi {
    let mut schemas = Schemas::default();
    let mut paths = Paths::new();
    for endpoint in route::endpoints() {
        let Some(operation) = describe(endpoint, &mut schemas) else {
            continue;
        };
        paths.add_path_operation(
            endpoint.template.as_str(),
            vec![http_method(endpoint.method)],
            operation,
        );
    }
    let mut components = ComponentsBuilder::new()
        .security_scheme(
            CLIENT_ID_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                CLIENT_ID_HEADER,
                "The Client ID of the Leyr application. The sandbox takes any non-empty id, \
                 or only the one it was started with (C4).",
            ))),
        )
        .security_scheme(
            CLIENT_SECRET_SCHEME,
            SecurityScheme::ApiKey(ApiKey::Header(ApiKeyValue::with_description(
                CLIENT_SECRET_HEADER,
                "The application's secret. The sandbox checks it only when it was started \
                 with one (C4).",
            ))),
        );
    for failure in Failure::ALL {
        components = components.response(failure.name(), failure.response(&mut schemas));
    }
    let components = components.schemas_from_iter(schemas.0).build();
    OpenApiBuilder::new()
        .info(
            InfoBuilder::new()
                .title("Leyr API, as leyr-sandbox serves it")
                .version(env!("CARGO_PKG_VERSION"))
                .description(Some(INFO))
                .license(Some(
                    LicenseBuilder::new()
                        .name(env!("CARGO_PKG_LICENSE"))
                        .identifier(Some(env!("CARGO_PKG_LICENSE")))
                        .build(),
                )),
        )
        .paths(paths)
        .components(Some(components))
        .build()
}

/// The introduction of the document.
const INFO: &str = "Leyr's REST API for booking care in Nordic EHRs, as this project speaks \
it and `leyr-sandbox` serves it offline from the TakeCare sandbox's seed. The rules cited \
(C4, C19, ...) and sections (§3.10, ...) are those of the project's `docs/leyr-api.md`.\n\n\
Every path is scoped to an EHR (`{emr}`, e.g. `takecare`) and most to one of its care units. \
An operation the EHR's profile does not support answers 400 `NOT_SUPPORTED` (C43). Ids in \
paths are percent-encoded one segment at a time, `:` kept as it is (C9).\n\n\
The document is served without credentials at `GET /openapi.json`, which it does not list. \
It names no server: it is relative to wherever the sandbox listens.";

/// The JSON text of `document`: pretty-printed, two spaces deep, with a final newline. Keys
/// keep a fixed order (each object's fields as declared, maps sorted), so the same document is
/// always the same text.
///
/// # Errors
/// The error of serializing the document, which its types never cause.
pub fn to_json(document: &OpenApi) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(document)?;
    // utoipa 5 writes a Link's `operationId` as `operation_id`; OpenAPI spells it in camel case.
    // No schema of this document has a property of that name (tested), so the key is a link's.
    text = text.replace("\"operation_id\": ", "\"operationId\": ");
    text.push('\n');
    Ok(text)
}

/// The component schemas the operations refer to, collected as they are named.
#[derive(Default)]
struct Schemas(BTreeMap<String, RefOr<Schema>>);

impl Schemas {
    /// A reference to `T`'s schema, registering it and every schema it refers to.
    fn of<T: ToSchema>(&mut self) -> RefOr<Schema> {
        let name = T::name().into_owned();
        let mut referred = Vec::new();
        T::schemas(&mut referred);
        self.0.extend(referred);
        self.0.insert(name.clone(), T::schema());
        RefOr::Ref(Ref::from_schema_name(name))
    }
}

fn http_method(method: Method) -> HttpMethod {
    match method {
        Method::Get => HttpMethod::Get,
        Method::Post => HttpMethod::Post,
        Method::Patch => HttpMethod::Patch,
    }
}

/// A body: its schema and one example per operation that reads or writes it.
struct Payload {
    schema: RefOr<Schema>,
    examples: Vec<(Operation, Value)>,
}

impl Payload {
    /// One `T`.
    fn one<T: ToSchema + Serialize>(
        schemas: &mut Schemas,
        operation: Operation,
        example: &T,
    ) -> Self {
        Self {
            schema: schemas.of::<T>(),
            examples: vec![(operation, example_value(example))],
        }
    }

    /// A bare array of `T` (C10).
    fn many<T: ToSchema + Serialize>(
        schemas: &mut Schemas,
        operation: Operation,
        examples: &[T],
    ) -> Self {
        Self {
            schema: ArrayBuilder::new().items(schemas.of::<T>()).into(),
            examples: vec![(operation, example_value(&examples))],
        }
    }

    /// An array holding exactly one `T`: a booking's answer (C19).
    fn only<T: ToSchema + Serialize>(
        schemas: &mut Schemas,
        operation: Operation,
        example: T,
    ) -> Self {
        Self {
            schema: ArrayBuilder::new()
                .items(schemas.of::<T>())
                .min_items(Some(1))
                .max_items(Some(1))
                .into(),
            examples: vec![(operation, example_value(&[example]))],
        }
    }

    /// The media type: the schema, with its example, or one named example per operation.
    fn content(self) -> Content {
        let content = ContentBuilder::new().schema(Some(self.schema));
        let content = match <[_; 1]>::try_from(self.examples) {
            Ok([(_, example)]) => content.example(Some(example)),
            Err(examples) => {
                content.examples_from_iter(examples.into_iter().map(|(operation, example)| {
                    let example = ExampleBuilder::new()
                        .summary(summary(operation))
                        .value(Some(example));
                    (operation.name(), example)
                }))
            }
        };
        content.build()
    }
}

/// An example as JSON. The example types always serialize; `null` would show if one did not,
/// and the tests check every example against its schema.
fn example_value<T: Serialize + ?Sized>(example: &T) -> Value {
    serde_json::to_value(example).unwrap_or_default()
}

/// What one operation reads and answers, beyond its route.
struct Spec {
    operation: Operation,
    query: Vec<Parameter>,
    body: Option<Payload>,
    answers: Vec<(u16, &'static str, Payload)>,
}

impl Spec {
    fn new(operation: Operation) -> Self {
        Self {
            operation,
            query: Vec::new(),
            body: None,
            answers: Vec::new(),
        }
    }

    fn query<P: IntoParams>(mut self) -> Self {
        self.query = P::into_params(|| Some(ParameterIn::Query))
            .into_iter()
            .map(|parameter| {
                let example = Field::from_name(&parameter.name).and_then(example);
                ParameterBuilder::from(parameter).example(example).build()
            })
            .collect();
        self
    }

    fn body(mut self, body: Payload) -> Self {
        self.body = Some(body);
        self
    }

    fn answer(mut self, status: u16, description: &'static str, payload: Payload) -> Self {
        self.answers.push((status, description, payload));
        self
    }
}

/// What `operation` reads and answers; `None` for an operation this crate has no body or
/// answer types for (a test proves there is none).
fn spec(operation: Operation, schemas: &mut Schemas) -> Option<Spec> {
    let spec = Spec::new(operation);
    let spec = match operation {
        Operation::ListCareUnits => spec.answer(
            200,
            "The care units, by `id`.",
            Payload::many(schemas, operation, &[examples::care_unit()]),
        ),
        Operation::ListResources => spec.answer(
            200,
            "The resources, by `id`.",
            Payload::many(schemas, operation, &examples::resources()),
        ),
        Operation::GetResource => spec.answer(
            200,
            "The resource.",
            Payload::one(schemas, operation, &examples::resources()[0]),
        ),
        Operation::ListHealthcareServices => spec.answer(
            200,
            "The healthcare services, by `id`.",
            Payload::many(schemas, operation, &examples::healthcare_services()),
        ),
        Operation::FindTimeslots => spec.query::<TimeslotParams>().answer(
            200,
            "The free timeslots, by `start`, then `resource_id`, then `healthcare_service_id`.",
            Payload::many(schemas, operation, &examples::timeslots()),
        ),
        Operation::FindPatients => spec.query::<PatientSearchParams>().answer(
            200,
            "The patients whose names match; `[]` for none.",
            Payload::many(schemas, operation, &[examples::tolvan()]),
        ),
        Operation::RegisterPatient => spec
            .body(Payload::one(schemas, operation, &examples::registration()))
            .answer(
                201,
                "A new patient.",
                Payload::one(schemas, operation, &examples::registered()),
            )
            .answer(
                200,
                "The patient who already had this `external_id`, unchanged.",
                Payload::one(schemas, operation, &examples::tolvan()),
            ),
        Operation::GetPatient => spec.answer(
            200,
            "The patient.",
            Payload::one(schemas, operation, &examples::alfa()),
        ),
        Operation::ListAppointments => spec.query::<AppointmentParams>().answer(
            200,
            "The appointments in every status, by `start`.",
            Payload::many(schemas, operation, &[examples::appointment("booked", None)]),
        ),
        Operation::Book => spec
            .body(Payload::one(schemas, operation, &examples::booking()))
            .answer(
                201,
                "An array holding the one appointment booked.",
                Payload::only(
                    schemas,
                    operation,
                    examples::appointment("booked", Some("First visit")),
                ),
            ),
        Operation::Reschedule => spec
            .body(Payload::one(schemas, operation, &examples::reschedule()))
            .answer(
                200,
                "The appointment, as changed.",
                Payload::one(schemas, operation, &examples::rescheduled()),
            ),
        Operation::Cancel => spec
            .body(Payload::one(schemas, operation, &examples::cancel()))
            .answer(
                200,
                "The appointment, as changed.",
                Payload::one(
                    schemas,
                    operation,
                    &examples::appointment("cancelled", Some("First visit\nPatient is ill")),
                ),
            ),
        Operation::Confirm => spec
            .body(Payload::one(schemas, operation, &examples::confirm()))
            .answer(
                200,
                "The appointment, as changed.",
                Payload::one(
                    schemas,
                    operation,
                    &examples::appointment("booked", Some("First visit")),
                ),
            ),
        Operation::CancelMany => spec
            .body(Payload::one(schemas, operation, &examples::bulk_cancel()))
            .answer(
                200,
                "The appointments, cancelled, in the order of `ids`.",
                Payload::many(
                    schemas,
                    operation,
                    &[examples::appointment("cancelled", Some("Clinic closed"))],
                ),
            ),
        Operation::GetAppointment => spec.answer(
            200,
            "The appointment, as the list reports it.",
            Payload::one(
                schemas,
                operation,
                &examples::appointment("booked", Some("First visit")),
            ),
        ),
        Operation::ListNotes => spec.answer(
            200,
            "The patient's notes, oldest first.",
            Payload::many(schemas, operation, &[examples::note()]),
        ),
        Operation::WriteNote => spec
            .body(Payload::one(schemas, operation, &examples::new_note()))
            .answer(
                201,
                "The note, written unsigned.",
                Payload::one(schemas, operation, &examples::note()),
            ),
        Operation::UploadDocument => spec
            .body(Payload::one(schemas, operation, &examples::upload()))
            .answer(
                201,
                "The document's metadata, without its content.",
                Payload::one(schemas, operation, &examples::document()),
            ),
        _ => return None,
    };
    Some(spec)
}

/// A one-line summary of `operation`.
fn summary(operation: Operation) -> &'static str {
    match operation {
        Operation::ListCareUnits => "List care units",
        Operation::ListResources => "List resources",
        Operation::GetResource => "Get a resource",
        Operation::ListHealthcareServices => "List healthcare services",
        Operation::FindTimeslots => "List free timeslots",
        Operation::FindPatients => "Find patients by name",
        Operation::RegisterPatient => "Register a patient",
        Operation::GetPatient => "Get a patient",
        Operation::ListAppointments => "List appointments",
        Operation::Book => "Book an appointment",
        Operation::Reschedule => "Reschedule an appointment",
        Operation::Cancel => "Cancel an appointment",
        Operation::CancelMany => "Cancel appointments in bulk",
        Operation::Confirm => "Confirm an appointment",
        Operation::GetAppointment => "Get an appointment",
        Operation::ListNotes => "List a patient's medical notes",
        Operation::WriteNote => "Write a medical note",
        Operation::UploadDocument => "Attach a document to a patient",
        _ => "An operation of Leyr's API",
    }
}

/// What `operation` does, with the contract's section and rules.
fn description(operation: Operation) -> &'static str {
    match operation {
        Operation::ListCareUnits => {
            "§3.1: the EHR's care units. An `{emr}` the project has no profile of is \
             `NOT_SUPPORTED` at `[\"path\",\"emr\"]` (C14)."
        }
        Operation::ListResources => "§3.2: the bookable resources of the care unit.",
        Operation::GetResource => {
            "§3.3: one resource, by its EHR id, bare or prefixed `emr_id:`; any other id type \
             is `NOT_SUPPORTED` (C7)."
        }
        Operation::ListHealthcareServices => {
            "§3.4: the kinds of appointment the care unit offers, each with its length."
        }
        Operation::FindTimeslots => {
            "§3.5, C15: the free slots whose `start` is in the window and after now. The window \
             is `start` to `end`, RFC 3339 with an offset (`+` sent as `%2B`), by default now \
             to 30 days later. No slot is `[]`, not an error."
        }
        Operation::FindPatients => {
            "§3.6, C16: the patients whose `first_name` and `last_name` equal those given, \
             ignoring case. At least one of the two is required (`MISSING_REQUIRED_FIELD`)."
        }
        Operation::RegisterPatient => {
            "§3.7, C17: an upsert on `external_id`, the national identity number, which the \
             EHR's profile requires or not (for TakeCare a valid personnummer, C33). \
             `first_name` and `last_name` hold 1 to 100 characters with no digit (C41)."
        }
        Operation::GetPatient => {
            "§3.8: one patient, by a bare or `emr_id:` EHR id, or a `se_personal_number:` \
             with 12 digits (C5-C7)."
        }
        Operation::ListAppointments => {
            "§3.9, C18: the appointments of the care unit, cancelled and completed ones \
             included, optionally of one patient or resource, whose `start` is in the window. \
             Either bound may be left out, and leaves the window open."
        }
        Operation::Book => {
            "§3.10, C19: books a listed timeslot, its `start`, `end`, `resource_id` and \
             `healthcare_service_id` copied exactly, for `patient_id`, with an optional \
             comment of at most 500 characters. Every problem of the fields is answered at \
             once; only then is the slot matched (`NO_TIMESLOTS_AVAILABLE` if it is not free)."
        }
        Operation::Reschedule => {
            "§3.11, C22: a body with `start` and `end` together, `resource_id`, or `comment` \
             moves the appointment or changes it; the new time must be free."
        }
        Operation::Cancel => {
            "§3.12, C23: `{\"status\":\"cancelled\"}` cancels the appointment and frees its \
             slot; a `comment` is appended to the one it has. Cancelling twice is harmless."
        }
        Operation::Confirm => {
            "§3.14, C25: `{\"confirmation\":{\"code\":...}}` books an appointment that awaits \
             confirmation, with the code the patient was sent."
        }
        Operation::CancelMany => {
            "§3.13, C24: cancels 1 to 50 distinct appointments, all or none, with one comment. \
             `status` must be `cancelled`: no other bulk change is spoken."
        }
        Operation::GetAppointment => "§3.17a, C40: one appointment, by its id.",
        Operation::ListNotes => "§3.15, C26: the patient's medical notes.",
        Operation::WriteNote => {
            "§3.16, C26: a note with the `leyr_unstructured` template, its text in \
             `content.unstructured`, by an author named as a resource id. Other templates are \
             `NOT_SUPPORTED`."
        }
        Operation::UploadDocument => {
            "§3.17, C27: a PDF, JPEG or PNG of at most 10 MiB, as standard padded base64. \
             This route takes bodies of up to 14 MiB."
        }
        _ => "",
    }
}

/// The operation of `endpoint`, merged from the [`Spec`]s of the operations it serves; `None`
/// when there is none of them.
fn describe(endpoint: Endpoint, schemas: &mut Schemas) -> Option<utoipa::openapi::path::Operation> {
    let specs: Vec<Spec> = endpoint
        .operations()
        .filter_map(|operation| spec(operation, schemas))
        .collect();
    if specs.is_empty() {
        return None;
    }
    let names: Vec<&str> = specs.iter().map(|spec| spec.operation.name()).collect();
    let summaries: Vec<&str> = specs.iter().map(|spec| summary(spec.operation)).collect();
    let description = match specs.as_slice() {
        [only] => description(only.operation).to_owned(),
        several => several
            .iter()
            .map(|spec| {
                format!(
                    "**{}**: {}",
                    spec.operation.name(),
                    description(spec.operation)
                )
            })
            .collect::<Vec<_>>()
            .join("\n\n"),
    };

    let mut parameters: Vec<Parameter> = endpoint.template.params().map(path_parameter).collect();
    let mut body: Option<Payload> = None;
    let mut answers: Vec<(u16, &'static str, Payload)> = Vec::new();
    for spec in specs {
        for parameter in spec.query {
            if !parameters.iter().any(|known| known.name == parameter.name) {
                parameters.push(parameter);
            }
        }
        if let Some(payload) = spec.body {
            match &mut body {
                Some(merged) => merged.examples.extend(payload.examples),
                None => body = Some(payload),
            }
        }
        for (status, description, payload) in spec.answers {
            match answers.iter_mut().find(|(known, ..)| *known == status) {
                Some((_, _, merged)) => merged.examples.extend(payload.examples),
                None => answers.push((status, description, payload)),
            }
        }
    }

    let takes_body = body.is_some();
    let mut responses = ResponsesBuilder::new();
    let first = endpoint.operations().next();
    for (status, description, payload) in answers {
        let mut response = ResponseBuilder::new()
            .description(description)
            .content(JSON, payload.content());
        if (200..300).contains(&status) {
            for (name, link) in first.map(links).unwrap_or_default() {
                response = response.link(name, link);
            }
        }
        responses = responses.response(status.to_string(), response);
    }
    for failure in Failure::ALL {
        if failure.applies(takes_body) {
            responses = responses.response(
                failure.status_key(),
                RefOr::Ref(Ref::from_response_name(failure.name())),
            );
        }
    }
    let request_body = body.map(|payload| {
        RequestBodyBuilder::new()
            .required(Some(Required::True))
            .content(JSON, payload.content())
            .build()
    });
    let operation = OperationBuilder::new()
        .operation_id(Some(names.join("_or_")))
        .summary(Some(summaries.join("; ")))
        .description(Some(description))
        .parameters(Some(parameters))
        .request_body(request_body)
        .responses(responses)
        .security(
            SecurityRequirement::new(CLIENT_ID_SCHEME, Vec::<String>::new())
                .add(CLIENT_SECRET_SCHEME, Vec::<String>::new()),
        )
        .build();
    Some(operation)
}

/// The operation id of the endpoint that serves `operation`: the names of every operation the
/// endpoint serves, joined by `_or_`, as [`describe`] writes it.
fn operation_id(operation: Operation) -> Option<String> {
    let endpoint = route::endpoints()
        .into_iter()
        .find(|endpoint| endpoint.operations().any(|served| served == operation))?;
    let names: Vec<&str> = endpoint.operations().map(|served| served.name()).collect();
    Some(names.join("_or_"))
}

/// The OpenAPI links of a success answer of `operation`: where the id it answers leads, for
/// clients and for stateful testing (Schemathesis follows them). `{emr}` and `{care_unit_id}`
/// come from the request's own path.
fn links(operation: Operation) -> Vec<(String, Link)> {
    use Operation as Op;
    let (id, value, targets): (&str, &str, &[Op]) = match operation {
        Op::Book => (
            "appointment_id",
            "$response.body#/0/id",
            &[Op::GetAppointment, Op::Reschedule],
        ),
        Op::ListAppointments => (
            "appointment_id",
            "$response.body#/0/id",
            &[Op::GetAppointment, Op::Reschedule],
        ),
        Op::RegisterPatient => (
            "patient_id",
            "$response.body#/emr_id",
            &[
                Op::GetPatient,
                Op::ListNotes,
                Op::WriteNote,
                Op::UploadDocument,
            ],
        ),
        Op::FindPatients => (
            "patient_id",
            "$response.body#/0/emr_id",
            &[Op::GetPatient, Op::ListNotes],
        ),
        _ => return Vec::new(),
    };
    targets
        .iter()
        .filter_map(|&target| {
            let operation_id = operation_id(target)?;
            let link = LinkBuilder::new()
                .operation_id(operation_id.clone())
                .parameter("emr", "$request.path.emr")
                .parameter("care_unit_id", "$request.path.care_unit_id")
                .parameter(id, value)
                .description(format!("The {id} this answer names."))
                .build();
            Some((operation_id, link))
        })
        .collect()
}

/// The path parameter `field`: a string, percent-encoded on its own (C9).
fn path_parameter(field: Field) -> Parameter {
    ParameterBuilder::new()
        .name(field.as_str())
        .parameter_in(ParameterIn::Path)
        .required(Required::True)
        .description(Some(path_description(field)))
        .schema(Some(ObjectBuilder::new().schema_type(Type::String)))
        .example(example(field))
        .build()
}

fn path_description(field: Field) -> &'static str {
    match field {
        Field::Emr => "The EHR's code (§2.1), e.g. `takecare`.",
        Field::CareUnitId => "A care unit, as the list of care units names it.",
        Field::ResourceId => "A resource's EHR id, bare or prefixed `emr_id:` (§2.2).",
        Field::PatientId => {
            "A patient: a bare or `emr_id:` EHR id, or `se_personal_number:` and 12 digits \
             (§2.2, C5-C7). In the TakeCare sandbox the EHR id is the personnummer (C6)."
        }
        Field::AppointmentId => "An appointment's id.",
        _ => "A path parameter.",
    }
}

/// An example value of a parameter named `field`, from the TakeCare seed (C32).
fn example(field: Field) -> Option<Value> {
    let text = match field {
        Field::Emr => "takecare",
        Field::CareUnitId => examples::CARE_UNIT,
        Field::ResourceId => examples::EHN,
        Field::HealthcareServiceId => examples::FIRST_VISIT,
        Field::PatientId => examples::ALFA,
        Field::AppointmentId => examples::APPOINTMENT,
        Field::Start => "2024-03-25T00:00:00+01:00",
        Field::End => "2024-03-26T00:00:00+01:00",
        Field::FirstName => "Tolvan",
        Field::LastName => "Tolvansson",
        _ => return None,
    };
    Some(Value::from(text))
}

/// An error answer every operation may give: one reusable response of the document each.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure {
    BadRequest,
    Unauthorized,
    NotFound,
    MethodNotAllowed,
    PayloadTooLarge,
    TooManyRequests,
    ServiceUnavailable,
    Other,
}

impl Failure {
    const ALL: [Failure; 8] = [
        Failure::BadRequest,
        Failure::Unauthorized,
        Failure::NotFound,
        Failure::MethodNotAllowed,
        Failure::PayloadTooLarge,
        Failure::TooManyRequests,
        Failure::ServiceUnavailable,
        Failure::Other,
    ];

    /// The name of its response in the document's components.
    fn name(self) -> &'static str {
        match self {
            Failure::BadRequest => "BadRequest",
            Failure::Unauthorized => "Unauthorized",
            Failure::NotFound => "NotFound",
            Failure::MethodNotAllowed => "MethodNotAllowed",
            Failure::PayloadTooLarge => "PayloadTooLarge",
            Failure::TooManyRequests => "TooManyRequests",
            Failure::ServiceUnavailable => "ServiceUnavailable",
            Failure::Other => "OtherFailure",
        }
    }

    /// The key of its response in an operation's responses: the status, or `default`.
    fn status_key(self) -> &'static str {
        match self {
            Failure::BadRequest => "400",
            Failure::Unauthorized => "401",
            Failure::NotFound => "404",
            Failure::MethodNotAllowed => "405",
            Failure::PayloadTooLarge => "413",
            Failure::TooManyRequests => "429",
            Failure::ServiceUnavailable => "503",
            Failure::Other => "default",
        }
    }

    /// Whether an operation answers it: 413 only where there is a body to be too large.
    fn applies(self, takes_body: bool) -> bool {
        self != Failure::PayloadTooLarge || takes_body
    }

    fn description(self) -> &'static str {
        match self {
            Failure::BadRequest => {
                "`BAD_REQUEST`: one `errors[]` entry for each problem of the request, each with \
                 its `error_code` and the `path` of the input at fault (§4.3, C30)."
            }
            Failure::Unauthorized => {
                "`UNAUTHORIZED`: the client id is missing or unknown, or the secret is wrong \
                 (C4). Checked before anything else, even whether the route exists."
            }
            Failure::NotFound => "`NOT_FOUND`: no route has this path (C30).",
            Failure::MethodNotAllowed => {
                "`METHOD_NOT_ALLOWED`: the path is a route's, the method is not (C30)."
            }
            Failure::PayloadTooLarge => {
                "`PAYLOAD_TOO_LARGE`: the body is over the route's limit, 1 MiB (14 MiB for \
                 documents)."
            }
            Failure::TooManyRequests => {
                "`TOO_MANY_REQUESTS`: only from fault injection (C31). Retry after the seconds \
                 of `Retry-After`."
            }
            Failure::ServiceUnavailable => {
                "`SERVICE_UNAVAILABLE`: the EHR cannot be reached; retry later (§7.1)."
            }
            Failure::Other => {
                "Another failure: `EMR_ERROR` or `UNKNOWN_ERROR`, with the status the EHR gave \
                 (e.g. 504 `UNKNOWN_ERROR` when a write's outcome is unknown)."
            }
        }
    }

    /// A problem of this kind, as the sandbox writes it.
    fn example(self) -> Problem {
        let mut problem = match self {
            Failure::BadRequest => Problem::bad_request(vec![ProblemEntry::new(
                ErrorCode::NoTimeslotsAvailable,
                None,
            )]),
            Failure::Unauthorized => Problem::unknown_client(),
            Failure::NotFound => Problem::not_found(),
            Failure::MethodNotAllowed => Problem::method_not_allowed(),
            Failure::PayloadTooLarge => Problem::payload_too_large(1 << 20),
            Failure::TooManyRequests => Problem::too_many_requests(),
            Failure::ServiceUnavailable => Problem::service_unavailable(),
            Failure::Other => Problem::emr_error(401, "Invalid credentials for the EHR."),
        };
        problem.instance = Some(examples::INSTANCE.to_owned());
        problem
    }

    fn response(self, schemas: &mut Schemas) -> Response {
        let problem = self.example();
        let content = ContentBuilder::new()
            .schema(Some(schemas.of::<Problem>()))
            .example(Some(example_value(&problem.body())))
            .build();
        let response = ResponseBuilder::new()
            .description(self.description())
            .content(JSON, content);
        let response = if self == Failure::TooManyRequests {
            response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(
                        ObjectBuilder::new()
                            .schema_type(Type::Integer)
                            .minimum(Some(0)),
                    )
                    .description(Some("How many seconds to wait before trying again."))
                    .build(),
            )
        } else {
            response
        };
        response.build()
    }
}

/// A string schema holding one of `values`.
fn codes(description: &str, values: impl IntoIterator<Item = String>) -> RefOr<Schema> {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .description(Some(description))
        .enum_values(Some(values))
        .into()
}

// `utoipa`'s derive builds the schema of a field type through its `ComposeSchema` trait, which
// `PartialSchema` follows from; a type whose schema is written by hand implements it too, so
// that derived types can hold it, inside an `Option` or a `Vec` as well.

/// The top-level codes the sandbox writes (§4.2, C30).
impl utoipa::__dev::ComposeSchema for ProblemCode {
    fn compose(_: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        codes(
            "Leyr's code for the failure (§4.2). A client keeps a code it does not know (C29).",
            ProblemCode::KNOWN
                .iter()
                .map(|code| code.as_str().to_owned()),
        )
    }
}

impl ToSchema for ProblemCode {}

/// The codes of `errors[].error_code` Leyr documents (§4.3), all the sandbox writes.
impl utoipa::__dev::ComposeSchema for ErrorCode {
    fn compose(_: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        codes(
            "What is wrong (§4.3). A client keeps a code it does not know (C29).",
            ErrorCode::documented().iter().map(ErrorCode::as_string),
        )
    }
}

impl ToSchema for ErrorCode {}

/// An `Input<T>` is `T`: its other cases are the ways a body can go wrong, which the 400
/// answer describes, not a shape to send. The request types name `T` with `value_type`, so
/// their fields read as `T` and not as a composed name.
impl<T: utoipa::__dev::ComposeSchema> utoipa::__dev::ComposeSchema for Input<T> {
    fn compose(generics: Vec<RefOr<Schema>>) -> RefOr<Schema> {
        generics
            .into_iter()
            .next()
            .unwrap_or_else(|| T::compose(Vec::new()))
    }
}

/// An `Input<T>` goes by `T`'s name and brings the schemas `T` refers to.
impl<T: ToSchema + utoipa::__dev::ComposeSchema> ToSchema for Input<T> {
    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}

/// The schema of `errors[].path` (C30): `null`, or an array of field names and indexes from
/// `"path"`, `"query"` or `"body"` on, e.g. `["body","ids",3]`.
pub(crate) fn field_path_schema() -> RefOr<Schema> {
    let step = OneOfBuilder::new()
        .item(ObjectBuilder::new().schema_type(Type::String))
        .item(
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .minimum(Some(0)),
        );
    OneOfBuilder::new()
        .item(ArrayBuilder::new().items(step).min_items(Some(1)))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .description(Some(
            "Where the problem is, e.g. `[\"body\",\"external_id\"]`, or `null`.",
        ))
        .examples([Value::from(vec!["body", "external_id"])])
        .into()
}

/// Example values, from the TakeCare seed (C32) and the contract's own examples (§3).
mod examples {
    use crate::dto::{
        AppointmentDto, BulkCancelRequest, CareUnitDto, ConfirmationDto, CreateAppointmentRequest,
        CreateMedicalNoteRequest, CreatePatientRequest, DocumentDto, HealthcareServiceDto, Input,
        MedicalNoteDto, NoteContentDto, PatientDto, ResourceDto, TimeslotDto,
        UpdateAppointmentRequest, UploadDocumentRequest,
    };

    /// The seed's care unit.
    pub(super) const CARE_UNIT: &str = "10";
    /// Dr Ehn, the seed's doctor.
    pub(super) const EHN: &str = "10-991890000019";
    /// "Nybesök läkare", 30 minutes with Dr Ehn.
    pub(super) const FIRST_VISIT: &str = "1001";
    /// Testperson Alfa, the patient Leyr suggests.
    pub(super) const ALFA: &str = "197110021834";
    /// An appointment id (C8: a UUID v4).
    pub(super) const APPOINTMENT: &str = "e1f2a3b4-c5d6-4e7f-8091-a2b3c4d5e6f7";
    /// A problem's `instance`.
    pub(super) const INSTANCE: &str = "d3e84cc1-148a-4edf-9579-5dcef1d6dbfa";

    fn text(value: &str) -> Input<String> {
        Input::from(value.to_owned())
    }

    pub(super) fn care_unit() -> CareUnitDto {
        CareUnitDto {
            id: CARE_UNIT.to_owned(),
            name: Some("Vårdenhet 10".to_owned()),
        }
    }

    pub(super) fn resources() -> [ResourceDto; 2] {
        let resource = |id: &str, name: &str| ResourceDto {
            id: id.to_owned(),
            name: Some(name.to_owned()),
        };
        [
            resource(EHN, "Läkare Ehn (läk)"),
            resource("10-991890000027", "Sjuksköterska Lind (ssk)"),
        ]
    }

    pub(super) fn healthcare_services() -> [HealthcareServiceDto; 3] {
        let service = |id: &str, name: &str, minutes: i64| HealthcareServiceDto {
            id: id.to_owned(),
            name: Some(name.to_owned()),
            duration_minutes: Some(minutes),
        };
        [
            service(FIRST_VISIT, "Nybesök läkare", 30),
            service("1002", "Återbesök läkare", 15),
            service("1003", "Sjuksköterskebesök", 20),
        ]
    }

    pub(super) fn timeslots() -> [TimeslotDto; 2] {
        let slot = |start: &str, end: &str| TimeslotDto {
            start: start.to_owned(),
            end: end.to_owned(),
            resource_id: EHN.to_owned(),
            healthcare_service_id: FIRST_VISIT.to_owned(),
        };
        [
            slot("2024-03-25T08:00:00+01:00", "2024-03-25T08:30:00+01:00"),
            slot("2024-03-25T08:30:00+01:00", "2024-03-25T09:00:00+01:00"),
        ]
    }

    fn patient(id: &str, personnummer: &str, first_name: &str, last_name: &str) -> PatientDto {
        PatientDto {
            id: id.to_owned(),
            emr_id: personnummer.to_owned(),
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            care_unit_id: CARE_UNIT.to_owned(),
            external_id: Some(personnummer.to_owned()),
            phones: Vec::new(),
            emails: Vec::new(),
        }
    }

    pub(super) fn tolvan() -> PatientDto {
        patient(
            "8b7d3c2e-5f1a-4c7e-9d2b-1a6f0e4c9b10",
            "191212121212",
            "Tolvan",
            "Tolvansson",
        )
    }

    pub(super) fn alfa() -> PatientDto {
        patient(
            "3f9e2d1c-0b8a-4f7e-9d6c-5b4a3e2d1c0b",
            ALFA,
            "Testperson",
            "Alfa",
        )
    }

    pub(super) fn registration() -> CreatePatientRequest {
        CreatePatientRequest {
            first_name: text("Anders"),
            last_name: text("Andersson"),
            external_id: text("198101012394"),
            phones: Input::from(vec![text("+46701234567")]),
            emails: Input::from(Vec::new()),
        }
    }

    pub(super) fn registered() -> PatientDto {
        PatientDto {
            phones: vec!["+46701234567".to_owned()],
            ..patient(
                "0e5b8f4a-2c1d-4e7f-a9b3-6d2c1e0f7a85",
                "198101012394",
                "Anders",
                "Andersson",
            )
        }
    }

    pub(super) fn booking() -> CreateAppointmentRequest {
        CreateAppointmentRequest {
            start: text("2024-03-25T08:00:00+01:00"),
            end: text("2024-03-25T08:30:00+01:00"),
            patient_id: text("se_personal_number:197110021834"),
            resource_id: text(EHN),
            healthcare_service_id: text(FIRST_VISIT),
            comment: text("First visit"),
        }
    }

    /// Testperson Alfa's first visit with Dr Ehn, at 08:00.
    pub(super) fn appointment(status: &str, comment: Option<&str>) -> AppointmentDto {
        AppointmentDto {
            id: APPOINTMENT.to_owned(),
            status: status.to_owned(),
            start: "2024-03-25T08:00:00+01:00".to_owned(),
            end: "2024-03-25T08:30:00+01:00".to_owned(),
            comment: comment.map(str::to_owned),
            care_unit_id: CARE_UNIT.to_owned(),
            patient_id: Some(ALFA.to_owned()),
            resource_id: Some(EHN.to_owned()),
            healthcare_service_id: Some(FIRST_VISIT.to_owned()),
        }
    }

    /// The first visit, moved an hour later by [`reschedule`].
    pub(super) fn rescheduled() -> AppointmentDto {
        AppointmentDto {
            start: "2024-03-25T09:00:00+01:00".to_owned(),
            end: "2024-03-25T09:30:00+01:00".to_owned(),
            ..appointment("booked", Some("Moved one hour later"))
        }
    }

    pub(super) fn reschedule() -> UpdateAppointmentRequest {
        UpdateAppointmentRequest {
            start: text("2024-03-25T09:00:00+01:00"),
            end: text("2024-03-25T09:30:00+01:00"),
            comment: text("Moved one hour later"),
            ..UpdateAppointmentRequest::default()
        }
    }

    pub(super) fn cancel() -> UpdateAppointmentRequest {
        UpdateAppointmentRequest {
            status: text("cancelled"),
            comment: text("Patient is ill"),
            ..UpdateAppointmentRequest::default()
        }
    }

    pub(super) fn confirm() -> UpdateAppointmentRequest {
        UpdateAppointmentRequest {
            confirmation: Input::from(ConfirmationDto {
                code: text("123456"),
            }),
            ..UpdateAppointmentRequest::default()
        }
    }

    pub(super) fn bulk_cancel() -> BulkCancelRequest {
        BulkCancelRequest {
            ids: Input::from(vec![text(APPOINTMENT)]),
            status: text("cancelled"),
            comment: text("Clinic closed"),
        }
    }

    fn unstructured(value: &str) -> NoteContentDto {
        NoteContentDto {
            unstructured: text(value),
            other: serde_json::Map::new(),
        }
    }

    pub(super) fn new_note() -> CreateMedicalNoteRequest {
        CreateMedicalNoteRequest {
            template_id: text("leyr_unstructured"),
            title: text("Consultation Summary"),
            created_by_id: text(EHN),
            content: Input::from(unstructured("Patient reports mild headache.")),
        }
    }

    pub(super) fn note() -> MedicalNoteDto {
        MedicalNoteDto {
            id: "c2e7d1a0-4b3f-4f6e-9a8d-7e1f2b3c4d5e".to_owned(),
            created_at: "2024-03-25T14:40:12+01:00".to_owned(),
            template_id: Some("leyr_unstructured".to_owned()),
            title: Some("Consultation Summary".to_owned()),
            content: Some(unstructured("Patient reports mild headache.")),
            created_by_id: Some(EHN.to_owned()),
        }
    }

    pub(super) fn upload() -> UploadDocumentRequest {
        UploadDocumentRequest {
            content: text("JVBERi0xLjQK"),
            format: text("application/pdf"),
            title: text("Blood Test Results"),
            kind: text("Lab Result"),
            created_by_id: text(EHN),
        }
    }

    pub(super) fn document() -> DocumentDto {
        DocumentDto {
            id: "9d8c7b6a-5e4f-4a3b-8c2d-1e0f9a8b7c6d".to_owned(),
            title: Some("Blood Test Results".to_owned()),
            kind: Some("Lab Result".to_owned()),
            format: Some("application/pdf".to_owned()),
            created_by_id: Some(EHN.to_owned()),
            created_at: Some("2024-03-25T14:45:00+01:00".to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use utoipa::PartialSchema;

    use super::*;
    use crate::route::ROUTES;

    fn json() -> Value {
        serde_json::to_value(document()).unwrap()
    }

    /// The object `reference` (`#/components/...`) names in `document`.
    fn resolve<'a>(document: &'a Value, reference: &str) -> &'a Value {
        let pointer = reference.strip_prefix('#').unwrap();
        document
            .pointer(pointer)
            .unwrap_or_else(|| panic!("{reference} names nothing"))
    }

    /// Whether `value` fits `schema`, for the keywords the document uses, and with every field
    /// of an object named by its schema. `Err` says where it does not.
    fn fits(document: &Value, schema: &Value, value: &Value) -> Result<(), String> {
        if let Some(reference) = schema["$ref"].as_str() {
            return fits(document, resolve(document, reference), value);
        }
        if let Some(choices) = schema["oneOf"].as_array() {
            let fitting = choices
                .iter()
                .filter(|choice| fits(document, choice, value).is_ok())
                .count();
            if fitting != 1 {
                return Err(format!("{value} fits {fitting} of {schema}"));
            }
        }
        if let Some(values) = schema["enum"].as_array()
            && !values.contains(value)
        {
            return Err(format!("{value} is not one of {schema}"));
        }
        let kinds: Vec<&str> = match &schema["type"] {
            Value::String(kind) => vec![kind.as_str()],
            Value::Array(kinds) => kinds.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let kind = match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(number) if number.is_i64() || number.is_u64() => "integer",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        if !kinds.is_empty() && !kinds.contains(&kind) {
            return Err(format!("{value} is not of type {kinds:?}"));
        }
        if let Value::Object(object) = value {
            for required in schema["required"].as_array().into_iter().flatten() {
                let name = required.as_str().unwrap();
                if !object.contains_key(name) {
                    return Err(format!("{value} lacks `{name}`"));
                }
            }
            // Stricter than JSON Schema: an object schema must name every field a type writes.
            let describes_fields =
                schema.get("properties").is_some() || schema.get("additionalProperties").is_some();
            for (name, inner) in object.iter().filter(|_| describes_fields) {
                let property = &schema["properties"][name];
                let property = if property.is_null() {
                    &schema["additionalProperties"]
                } else {
                    property
                };
                if property.is_null() || property == &Value::Bool(false) {
                    return Err(format!("{value} has `{name}`, which {schema} does not"));
                }
                fits(document, property, inner).map_err(|error| format!("{name}: {error}"))?;
            }
        }
        if let Value::Array(items) = value {
            let length = Some(items.len() as u64);
            if schema["minItems"]
                .as_u64()
                .is_some_and(|min| length < Some(min))
                || schema["maxItems"]
                    .as_u64()
                    .is_some_and(|max| length > Some(max))
            {
                return Err(format!("{value} has the wrong length for {schema}"));
            }
            for item in items {
                fits(document, &schema["items"], item)?;
            }
        }
        Ok(())
    }

    /// Every `(where, schema, example)` of a media type in `document`.
    fn examples(document: &Value) -> Vec<(String, Value, Value)> {
        let mut found = Vec::new();
        let mut media = |place: String, media: &Value| {
            let media = &media["content"][JSON];
            if let Some(example) = media.get("example") {
                found.push((place.clone(), media["schema"].clone(), example.clone()));
            }
            for (name, example) in media["examples"].as_object().into_iter().flatten() {
                found.push((
                    format!("{place} ({name})"),
                    media["schema"].clone(),
                    example["value"].clone(),
                ));
            }
        };
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                media(format!("{method} {path} body"), &operation["requestBody"]);
                for (status, answer) in operation["responses"].as_object().unwrap() {
                    media(format!("{method} {path} {status}"), answer);
                }
            }
        }
        for (name, answer) in document["components"]["responses"].as_object().unwrap() {
            media(name.clone(), answer);
        }
        found
    }

    #[test]
    fn the_document_is_openapi_3_1_with_one_operation_per_endpoint() {
        let document = json();
        assert_eq!(document["openapi"], "3.1.0");
        let mut described = BTreeSet::new();
        let mut ids = BTreeSet::new();
        for (path, item) in document["paths"].as_object().unwrap() {
            for (method, operation) in item.as_object().unwrap() {
                described.insert((method.clone(), path.clone()));
                let id = operation["operationId"].as_str().unwrap().to_owned();
                assert!(ids.insert(id.clone()), "operationId {id} twice");
            }
        }
        let endpoints: BTreeSet<(String, String)> = route::endpoints()
            .into_iter()
            .map(|endpoint| {
                (
                    endpoint.method.as_str().to_lowercase(),
                    endpoint.template.as_str().to_owned(),
                )
            })
            .collect();
        assert_eq!(described, endpoints);
        for route in ROUTES {
            let method = route.method.as_str().to_lowercase();
            let operation = &document["paths"][route.template.as_str()][method.as_str()];
            let id = operation["operationId"].as_str().unwrap();
            assert!(
                id.split("_or_").any(|name| name == route.operation.name()),
                "{id} for {}",
                route.operation
            );
        }
        assert!(ids.contains("reschedule_or_cancel_or_confirm"));
    }

    #[test]
    fn every_operation_takes_its_path_parameters_and_both_credentials() {
        let document = json();
        for route in ROUTES {
            let method = route.method.as_str().to_lowercase();
            let operation = &document["paths"][route.template.as_str()][method.as_str()];
            let in_path: Vec<&str> = operation["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|parameter| parameter["in"] == "path")
                .map(|parameter| {
                    assert_eq!(parameter["required"], true);
                    assert!(parameter["example"].is_string(), "{parameter}");
                    parameter["name"].as_str().unwrap()
                })
                .collect();
            let named: Vec<&str> = route.template.params().map(Field::as_str).collect();
            assert_eq!(in_path, named, "{}", route.template);
            assert_eq!(
                operation["security"],
                serde_json::json!([{CLIENT_ID_SCHEME: [], CLIENT_SECRET_SCHEME: []}]),
                "{}",
                route.operation
            );
            let takes_body = route.method != Method::Get;
            assert_eq!(
                operation["requestBody"].is_object(),
                takes_body,
                "{}",
                route.operation
            );
            let responses = operation["responses"].as_object().unwrap();
            for status in ["400", "401", "404", "405", "429", "503", "default"] {
                assert!(
                    responses.contains_key(status),
                    "{} {status}",
                    route.operation
                );
            }
            assert_eq!(responses.contains_key("413"), takes_body);
        }
        let schemes = &document["components"]["securitySchemes"];
        assert_eq!(schemes[CLIENT_ID_SCHEME]["name"], CLIENT_ID_HEADER);
        assert_eq!(schemes[CLIENT_SECRET_SCHEME]["name"], CLIENT_SECRET_HEADER);
        for scheme in [CLIENT_ID_SCHEME, CLIENT_SECRET_SCHEME] {
            assert_eq!(schemes[scheme]["type"], "apiKey");
            assert_eq!(schemes[scheme]["in"], "header");
        }
    }

    #[test]
    fn success_statuses_and_shapes_follow_the_contract() {
        let document = json();
        let answer = |operation: Operation, status: &str| {
            let route = route::of(operation).unwrap();
            let method = route.method.as_str().to_lowercase();
            document["paths"][route.template.as_str()][method.as_str()]["responses"][status]
                ["content"][JSON]["schema"]
                .clone()
        };
        let array_of = |name: &str| serde_json::json!({"type": "array", "items": {"$ref": format!("#/components/schemas/{name}")}});
        let one = |name: &str| serde_json::json!({"$ref": format!("#/components/schemas/{name}")});
        assert_eq!(
            answer(Operation::ListCareUnits, "200"),
            array_of("CareUnitDto")
        );
        assert_eq!(
            answer(Operation::FindTimeslots, "200"),
            array_of("TimeslotDto")
        );
        assert_eq!(answer(Operation::GetPatient, "200"), one("PatientDto"));
        assert_eq!(answer(Operation::RegisterPatient, "201"), one("PatientDto"));
        assert_eq!(answer(Operation::RegisterPatient, "200"), one("PatientDto"));
        let booked = answer(Operation::Book, "201");
        assert_eq!(
            (booked["minItems"].as_u64(), booked["maxItems"].as_u64()),
            (Some(1), Some(1))
        );
        assert_eq!(answer(Operation::Cancel, "200"), one("AppointmentDto"));
        assert_eq!(
            answer(Operation::CancelMany, "200"),
            array_of("AppointmentDto")
        );
        assert_eq!(answer(Operation::WriteNote, "201"), one("MedicalNoteDto"));
        assert_eq!(answer(Operation::UploadDocument, "201"), one("DocumentDto"));
    }

    #[test]
    fn every_reference_names_a_component() {
        fn walk(document: &Value, value: &Value, count: &mut usize) {
            match value {
                Value::Object(object) => {
                    if let Some(Value::String(reference)) = object.get("$ref") {
                        resolve(document, reference);
                        *count += 1;
                    }
                    object
                        .values()
                        .for_each(|inner| walk(document, inner, count));
                }
                Value::Array(items) => items.iter().for_each(|inner| walk(document, inner, count)),
                _ => {}
            }
        }
        let document = json();
        let mut count = 0;
        walk(&document, &document, &mut count);
        assert!(count > 100, "{count} references");
    }

    #[test]
    fn every_example_fits_its_schema() {
        let document = json();
        let examples = examples(&document);
        assert!(examples.len() > 30, "{} examples", examples.len());
        for (place, schema, example) in examples {
            assert!(!example.is_null(), "{place}: no example");
            if let Err(error) = fits(&document, &schema, &example) {
                panic!("{place}: {error}");
            }
        }
    }

    #[test]
    fn the_checker_refuses_what_does_not_fit() {
        let document = json();
        let patient = serde_json::json!({"$ref": "#/components/schemas/CreatePatientRequest"});
        let fine = serde_json::json!({"first_name": "Tolvan", "last_name": "Tolvansson"});
        assert_eq!(fits(&document, &patient, &fine), Ok(()));
        for wrong in [
            serde_json::json!({"first_name": "Tolvan"}),
            serde_json::json!({"first_name": 7, "last_name": "Tolvansson"}),
            serde_json::json!({"first_name": "T", "last_name": "T", "phones": "+46"}),
        ] {
            assert!(fits(&document, &patient, &wrong).is_err(), "{wrong}");
        }
        let problem = serde_json::json!({"$ref": "#/components/schemas/Problem"});
        let unknown_code = serde_json::json!({"code": "BRAND_NEW"});
        assert!(fits(&document, &problem, &unknown_code).is_err());
    }

    #[test]
    fn an_input_reads_as_its_value_type() {
        let written = |schema: RefOr<Schema>| serde_json::to_value(schema).unwrap();
        assert_eq!(
            written(Input::<String>::schema()),
            written(String::schema())
        );
        assert_eq!(
            written(Input::<Vec<Input<String>>>::schema()),
            written(Vec::<String>::schema())
        );
        assert_eq!(
            written(Input::<ConfirmationName>::schema()),
            written(ConfirmationName::schema())
        );
        assert_eq!(Input::<ConfirmationName>::name(), "ConfirmationName");
    }

    /// A stand-in for a request type inside an `Input`.
    #[derive(utoipa::ToSchema)]
    struct ConfirmationName {
        #[allow(dead_code, reason = "only its schema is used")]
        code: String,
    }

    #[test]
    fn codes_are_string_schemas_of_the_documented_values() {
        let document = json();
        let schemas = &document["components"]["schemas"];
        let values = |name: &str| -> Vec<String> {
            assert_eq!(schemas[name]["type"], "string");
            schemas[name]["enum"]
                .as_array()
                .unwrap()
                .iter()
                .map(|value| value.as_str().unwrap().to_owned())
                .collect()
        };
        let known: Vec<String> = ProblemCode::KNOWN
            .iter()
            .map(|code| code.as_str().to_owned())
            .collect();
        assert_eq!(values("ProblemCode"), known);
        let documented: Vec<String> = ErrorCode::documented()
            .iter()
            .map(ErrorCode::as_string)
            .collect();
        assert_eq!(values("ErrorCode"), documented);
    }

    #[test]
    fn links_name_operations_that_exist_in_openapi_spelling() {
        let raw = serde_json::to_string(&document()).unwrap();
        let link_keys = raw.matches("\"operation_id\":").count();
        let text = to_json(&document()).unwrap();
        let value: Value = serde_json::from_str(&text).unwrap();
        let mut ids = Vec::new();
        let mut targets = Vec::new();
        for item in value["paths"].as_object().unwrap().values() {
            for operation in item.as_object().unwrap().values() {
                let Some(id) = operation.get("operationId") else {
                    continue;
                };
                ids.push(id.as_str().unwrap().to_owned());
                for response in operation["responses"].as_object().unwrap().values() {
                    for link in response
                        .get("links")
                        .and_then(Value::as_object)
                        .into_iter()
                        .flatten()
                    {
                        targets.push(link.1["operationId"].as_str().unwrap().to_owned());
                    }
                }
            }
        }
        assert_eq!(targets.len(), link_keys, "every renamed key was a link's");
        assert!(!text.contains("\"operation_id\""));
        assert!(targets.contains(&"get_appointment".to_owned()));
        assert!(targets.contains(&"get_patient".to_owned()));
        for target in &targets {
            assert!(ids.contains(target), "{target}");
        }
    }

    #[test]
    fn the_json_is_the_same_text_every_time() {
        let first = to_json(&document()).unwrap();
        assert_eq!(first, to_json(&document()).unwrap());
        assert!(first.ends_with("}\n"));
        assert!(first.starts_with("{\n  \"openapi\": \"3.1.0\",\n  \"info\": {"));
    }
}

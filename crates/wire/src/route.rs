//! Leyr's routes (§3): one table that the client builds its URLs from and the sandbox builds its
//! router from, so a path is spelled once.
//!
//! Templates use Leyr's own notation, which is also axum's: `{name}` for a path parameter.
//! Every route takes the two credential headers, [`CLIENT_ID_HEADER`] and
//! [`CLIENT_SECRET_HEADER`] (§1.2).

use std::fmt;

use leyr_domain::ehr::Operation;

use crate::field::Field;
use crate::segment;

/// The header that names the Leyr application on every request (§1.2, C4).
pub const CLIENT_ID_HEADER: &str = "x-leyr-client-id";
/// The header that carries the application's secret on every request (§1.2, C4).
pub const CLIENT_SECRET_HEADER: &str = "x-leyr-client-secret";

/// An HTTP method Leyr's API uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Method {
    /// `GET`.
    Get,
    /// `POST`.
    Post,
    /// `PATCH`.
    Patch,
}

impl Method {
    /// The method as HTTP writes it.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
        }
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A path template, e.g. `/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Template(&'static str);

/// The start of every path scoped to a care unit (`{CU}` in the contract).
const CARE_UNIT_PREFIX: &str = "/api/emrs/{emr}/care-units/{care_unit_id}";

macro_rules! templates {
    ($($(#[$doc:meta])* $name:ident = $path:literal;)*) => {$(
        $(#[$doc])*
        pub const $name: Template = Template($path);
    )*};
}

impl Template {
    templates! {
        /// `/api/emrs/{emr}/care-units` (§3.1).
        CARE_UNITS = "/api/emrs/{emr}/care-units";
        /// `{CU}/resources` (§3.2).
        RESOURCES = "/api/emrs/{emr}/care-units/{care_unit_id}/resources";
        /// `{CU}/resources/{resource_id}` (§3.3).
        RESOURCE = "/api/emrs/{emr}/care-units/{care_unit_id}/resources/{resource_id}";
        /// `{CU}/healthcare-services` (§3.4).
        HEALTHCARE_SERVICES = "/api/emrs/{emr}/care-units/{care_unit_id}/healthcare-services";
        /// `{CU}/timeslots` (§3.5).
        TIMESLOTS = "/api/emrs/{emr}/care-units/{care_unit_id}/timeslots";
        /// `{CU}/patients` (§3.6, §3.7).
        PATIENTS = "/api/emrs/{emr}/care-units/{care_unit_id}/patients";
        /// `{CU}/patients/{patient_id}` (§3.8).
        PATIENT = "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}";
        /// `{CU}/patients/{patient_id}/medical-notes` (§3.15, §3.16).
        MEDICAL_NOTES = "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}/medical-notes";
        /// `{CU}/patients/{patient_id}/documents` (§3.17, C27).
        DOCUMENTS = "/api/emrs/{emr}/care-units/{care_unit_id}/patients/{patient_id}/documents";
        /// `{CU}/appointments` (§3.9, §3.10, §3.13).
        APPOINTMENTS = "/api/emrs/{emr}/care-units/{care_unit_id}/appointments";
        /// `{CU}/appointments/{appointment_id}` (§3.11, §3.12, §3.14, §3.17a).
        APPOINTMENT = "/api/emrs/{emr}/care-units/{care_unit_id}/appointments/{appointment_id}";
    }

    /// The template text.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        self.0
    }

    /// The template relative to `{CU}` (e.g. `/appointments/{appointment_id}`), or the whole
    /// template for the routes outside a care unit.
    #[must_use]
    pub fn under_care_unit(self) -> &'static str {
        self.0.strip_prefix(CARE_UNIT_PREFIX).unwrap_or(self.0)
    }

    /// The path parameters, in order.
    pub fn params(self) -> impl Iterator<Item = Field> {
        self.0.split('/').filter_map(|segment| {
            let name = segment.strip_prefix('{')?.strip_suffix('}')?;
            Field::from_name(name)
        })
    }

    /// The path with each parameter replaced by its value, percent-encoded on its own (C9):
    /// `values` in the order of [`Template::params`].
    ///
    /// # Errors
    /// [`WrongParams`] when `values` holds more or fewer values than the template has
    /// parameters.
    pub fn fill(self, values: &[&str]) -> Result<String, WrongParams> {
        let mut path = String::with_capacity(self.0.len() + 32);
        let mut values = values.iter();
        for segment in self.0.split('/').skip(1) {
            path.push('/');
            if segment.starts_with('{') {
                let value = values.next().ok_or(WrongParams)?;
                path.push_str(&segment::encode(value));
            } else {
                path.push_str(segment);
            }
        }
        if values.next().is_some() {
            return Err(WrongParams);
        }
        Ok(path)
    }
}

impl fmt::Display for Template {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

/// A template was given the wrong number of values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the number of path values does not match the route template")]
pub struct WrongParams;

/// One operation of the API: its method and path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Route {
    /// What the route does.
    pub operation: Operation,
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub template: Template,
}

/// Every operation's route, in the order of the contract's sections. Reschedule, cancel and
/// confirm share `PATCH {CU}/appointments/{appointment_id}`; the body tells them apart.
pub const ROUTES: &[Route] = &[
    route(Operation::ListCareUnits, Method::Get, Template::CARE_UNITS),
    route(Operation::ListResources, Method::Get, Template::RESOURCES),
    route(Operation::GetResource, Method::Get, Template::RESOURCE),
    route(
        Operation::ListHealthcareServices,
        Method::Get,
        Template::HEALTHCARE_SERVICES,
    ),
    route(Operation::FindTimeslots, Method::Get, Template::TIMESLOTS),
    route(Operation::FindPatients, Method::Get, Template::PATIENTS),
    route(Operation::RegisterPatient, Method::Post, Template::PATIENTS),
    route(Operation::GetPatient, Method::Get, Template::PATIENT),
    route(
        Operation::ListAppointments,
        Method::Get,
        Template::APPOINTMENTS,
    ),
    route(Operation::Book, Method::Post, Template::APPOINTMENTS),
    route(Operation::Reschedule, Method::Patch, Template::APPOINTMENT),
    route(Operation::Cancel, Method::Patch, Template::APPOINTMENT),
    route(Operation::CancelMany, Method::Patch, Template::APPOINTMENTS),
    route(Operation::Confirm, Method::Patch, Template::APPOINTMENT),
    route(
        Operation::GetAppointment,
        Method::Get,
        Template::APPOINTMENT,
    ),
    route(Operation::ListNotes, Method::Get, Template::MEDICAL_NOTES),
    route(Operation::WriteNote, Method::Post, Template::MEDICAL_NOTES),
    route(Operation::UploadDocument, Method::Post, Template::DOCUMENTS),
];

const fn route(operation: Operation, method: Method, template: Template) -> Route {
    Route {
        operation,
        method,
        template,
    }
}

/// One method on one template: what a router mounts once, and what an OpenAPI document
/// describes as one operation. Several operations may share an endpoint, told apart by the
/// body: reschedule, cancel and confirm all `PATCH {CU}/appointments/{appointment_id}`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Endpoint {
    /// The HTTP method.
    pub method: Method,
    /// The path template.
    pub template: Template,
}

impl Endpoint {
    /// The operations served here, in the order of [`ROUTES`].
    pub fn operations(self) -> impl Iterator<Item = Operation> {
        ROUTES
            .iter()
            .filter(move |route| route.method == self.method && route.template == self.template)
            .map(|route| route.operation)
    }
}

/// Every endpoint of [`ROUTES`], once, in the order of its first route.
#[must_use]
pub fn endpoints() -> Vec<Endpoint> {
    let mut endpoints: Vec<Endpoint> = Vec::with_capacity(ROUTES.len());
    for route in ROUTES {
        let endpoint = Endpoint {
            method: route.method,
            template: route.template,
        };
        if !endpoints.contains(&endpoint) {
            endpoints.push(endpoint);
        }
    }
    endpoints
}

/// The route of `operation`. Every operation the domain has today has one (a test proves it);
/// `None` is for an operation the domain may add before this table knows it.
#[must_use]
pub fn of(operation: Operation) -> Option<Route> {
    ROUTES
        .iter()
        .copied()
        .find(|route| route.operation == operation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_exactly_one_route() {
        for operation in Operation::ALL {
            let rows = ROUTES.iter().filter(|route| route.operation == operation);
            assert_eq!(rows.count(), 1, "{operation}");
            assert_eq!(of(operation).map(|route| route.operation), Some(operation));
        }
    }

    #[test]
    fn operations_that_share_a_method_and_template_share_one_endpoint() {
        let endpoints = endpoints();
        assert_eq!(endpoints.len(), ROUTES.len() - 2);
        let shared: Vec<Vec<Operation>> = endpoints
            .iter()
            .map(|endpoint| endpoint.operations().collect::<Vec<_>>())
            .filter(|operations| operations.len() > 1)
            .collect();
        assert_eq!(
            shared,
            [[Operation::Reschedule, Operation::Cancel, Operation::Confirm]]
        );
        let served: usize = endpoints
            .iter()
            .map(|endpoint| endpoint.operations().count())
            .sum();
        assert_eq!(served, ROUTES.len());
    }

    #[test]
    fn templates_fill_each_parameter_encoded_on_its_own() {
        assert_eq!(
            Template::PATIENT.fill(&["takecare", "10", "se_personal_number:197110021834"]),
            Ok("/api/emrs/takecare/care-units/10/patients/se_personal_number:197110021834".into())
        );
        assert_eq!(
            Template::APPOINTMENT.fill(&["takecare", "10", "a/b"]),
            Ok("/api/emrs/takecare/care-units/10/appointments/a%2Fb".into())
        );
        assert_eq!(Template::CARE_UNITS.fill(&[]), Err(WrongParams));
        assert_eq!(Template::CARE_UNITS.fill(&["a", "b"]), Err(WrongParams));
    }

    #[test]
    fn every_parameter_is_a_known_field() {
        for route in ROUTES {
            let named = route.template.as_str().matches('{').count();
            assert_eq!(route.template.params().count(), named, "{}", route.template);
        }
        assert_eq!(
            Template::MEDICAL_NOTES.params().collect::<Vec<_>>(),
            [Field::Emr, Field::CareUnitId, Field::PatientId]
        );
    }

    #[test]
    fn templates_read_relative_to_the_care_unit() {
        assert_eq!(
            Template::APPOINTMENT.under_care_unit(),
            "/appointments/{appointment_id}"
        );
        assert_eq!(
            Template::CARE_UNITS.under_care_unit(),
            "/api/emrs/{emr}/care-units"
        );
    }
}

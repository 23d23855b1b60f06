//! The names of Leyr's fields and parameters, in one place.
//!
//! Every JSON field, query parameter and path parameter that Leyr's API names has one
//! [`Field`]. Code outside this crate that must name a field (to point an error's `path` at
//! it, or to read a path parameter) uses a [`Field`], never a string of its own, so a name is
//! spelled once. The types of [`crate::dto`] spell the same names through serde; a test
//! serializes each of them and checks that every key it writes is a [`Field`].

use std::fmt;

macro_rules! fields {
    ($($(#[$doc:meta])* $variant:ident => $name:literal,)*) => {
        /// A field or parameter name of Leyr's API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum Field {
            $($(#[$doc])* $variant,)*
        }

        impl Field {
            /// Every field, in declaration order.
            pub const ALL: &'static [Field] = &[$(Field::$variant,)*];

            /// The name as Leyr writes it.
            #[must_use]
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Field::$variant => $name,)*
                }
            }

            /// The field named `name`, if Leyr's API has one.
            #[must_use]
            pub fn from_name(name: &str) -> Option<Field> {
                match name {
                    $($name => Some(Field::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

fields! {
    /// `emr`: the EHR code in the path (§2.1).
    Emr => "emr",
    /// `care_unit_id`, in paths and objects.
    CareUnitId => "care_unit_id",
    /// `appointment_id`, in paths.
    AppointmentId => "appointment_id",
    /// `patient_id`, in paths, queries, bodies and appointments.
    PatientId => "patient_id",
    /// `resource_id`, in paths, queries, bodies and objects.
    ResourceId => "resource_id",
    /// `healthcare_service_id`, in queries, bodies and objects.
    HealthcareServiceId => "healthcare_service_id",
    /// `id` of any object.
    Id => "id",
    /// `ids` of a bulk cancellation (§3.13).
    Ids => "ids",
    /// `name` of a care unit, resource or service.
    Name => "name",
    /// `duration_minutes` of a service.
    DurationMinutes => "duration_minutes",
    /// `start` of a window, slot or appointment.
    Start => "start",
    /// `end` of a window, slot or appointment.
    End => "end",
    /// `emr_id` of a patient.
    EmrId => "emr_id",
    /// `first_name` of a patient.
    FirstName => "first_name",
    /// `last_name` of a patient.
    LastName => "last_name",
    /// `external_id`: the national identity number of a patient (§3.7).
    ExternalId => "external_id",
    /// `phones` of a patient.
    Phones => "phones",
    /// `emails` of a patient.
    Emails => "emails",
    /// `status` of an appointment.
    Status => "status",
    /// `comment` of an appointment.
    Comment => "comment",
    /// `confirmation` of a confirming update (§3.14).
    Confirmation => "confirmation",
    /// `code` inside `confirmation`.
    Code => "code",
    /// `template_id` of a note.
    TemplateId => "template_id",
    /// `title` of a note or document.
    Title => "title",
    /// `content` of a note (an object) or a document (base64 text).
    Content => "content",
    /// `unstructured` inside a `leyr_unstructured` note's content.
    Unstructured => "unstructured",
    /// `created_by_id`: the author of a note or document.
    CreatedById => "created_by_id",
    /// `created_at` of a note or document.
    CreatedAt => "created_at",
    /// `format`: a document's MIME type.
    Format => "format",
    /// `type`: a document's kind, free text.
    Type => "type",
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_reads_back_as_its_field_and_names_are_unique() {
        for field in Field::ALL {
            assert_eq!(Field::from_name(field.as_str()), Some(*field));
        }
        let mut names: Vec<_> = Field::ALL.iter().map(|field| field.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), Field::ALL.len());
        assert_eq!(Field::from_name("patientId"), None);
    }
}

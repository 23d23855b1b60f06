//! The typed-id grammar (§2.2, C5-C7): `{type}:{value}`, where a value without a type is an
//! `emr_id`, and the type is the text before the first `:`.
//!
//! Which types an EHR accepts is its profile's business ([`leyr_domain::ehr::EhrProfile`]);
//! this module only reads and writes the text.

use leyr_domain::ehr::IdType;

/// A typed id split into its type and value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TypedId<'a> {
    /// The text before the first `:`, or `None` for a bare value (an `emr_id`).
    pub prefix: Option<&'a str>,
    /// The value.
    pub value: &'a str,
}

impl<'a> TypedId<'a> {
    /// Splits `text` at its first `:` (C7). A value without `:` is an `emr_id`.
    #[must_use]
    pub fn split(text: &'a str) -> Self {
        match text.split_once(':') {
            Some((prefix, value)) => Self {
                prefix: Some(prefix),
                value,
            },
            None => Self {
                prefix: None,
                value: text,
            },
        }
    }

    /// The id type the prefix names, or `None` if Leyr documents no such type.
    #[must_use]
    pub fn id_type(&self) -> Option<IdType> {
        match self.prefix {
            None => Some(IdType::EmrId),
            Some(prefix) => id_type(prefix),
        }
    }
}

/// The prefix Leyr writes for `kind`.
#[must_use]
pub const fn prefix(kind: IdType) -> &'static str {
    match kind {
        IdType::EmrId => "emr_id",
        IdType::SePersonalNumber => "se_personal_number",
        IdType::NoPersonalNumber => "no_personal_number",
        IdType::NhsNumber => "nhs_number",
        IdType::HsaId => "hsa_id",
        // `IdType` is the domain's and may grow; a kind this crate does not know yet is
        // written as an EHR id, the one type every EHR takes.
        _ => "emr_id",
    }
}

/// The id type named by `prefix`, if Leyr documents it.
#[must_use]
pub fn id_type(prefix: &str) -> Option<IdType> {
    [
        IdType::EmrId,
        IdType::SePersonalNumber,
        IdType::NoPersonalNumber,
        IdType::NhsNumber,
        IdType::HsaId,
    ]
    .into_iter()
    .find(|kind| self::prefix(*kind) == prefix)
}

/// Whether Leyr documents ids of `kind` for patients (§2.2): every type but `hsa_id`, which
/// names resources only. A patient id of another type has an unknown type (C7).
#[must_use]
pub const fn names_patients(kind: IdType) -> bool {
    matches!(
        kind,
        IdType::EmrId | IdType::SePersonalNumber | IdType::NoPersonalNumber | IdType::NhsNumber
    )
}

/// `{prefix}:{value}`, e.g. `se_personal_number:197110021834`.
#[must_use]
pub fn typed(kind: IdType, value: &str) -> String {
    let prefix = prefix(kind);
    let mut text = String::with_capacity(prefix.len() + 1 + value.len());
    text.push_str(prefix);
    text.push(':');
    text.push_str(value);
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_ids_split_at_the_first_colon() {
        let id = TypedId::split("se_personal_number:1971:1002");
        assert_eq!(id.prefix, Some("se_personal_number"));
        assert_eq!(id.value, "1971:1002");
        assert_eq!(id.id_type(), Some(IdType::SePersonalNumber));
        assert_eq!(
            TypedId::split("10-991890000019").id_type(),
            Some(IdType::EmrId)
        );
        assert_eq!(TypedId::split("hsa:1").id_type(), None);
    }

    #[test]
    fn every_type_reads_back_from_its_prefix() {
        for kind in [
            IdType::EmrId,
            IdType::SePersonalNumber,
            IdType::NoPersonalNumber,
            IdType::NhsNumber,
            IdType::HsaId,
        ] {
            assert_eq!(id_type(prefix(kind)), Some(kind));
            let text = typed(kind, "v");
            assert_eq!(TypedId::split(&text).id_type(), Some(kind));
        }
    }

    #[test]
    fn hsa_ids_name_resources_only() {
        assert!(names_patients(IdType::EmrId));
        assert!(names_patients(IdType::NhsNumber));
        assert!(!names_patients(IdType::HsaId));
    }
}

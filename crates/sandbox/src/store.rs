//! The state file (C50, ADR 0013): the world kept in an SQLite database, so that a restart
//! finds every acknowledged write.
//!
//! The rules stay in the in-memory adapter: the file holds records, never logic. Each care unit's
//! catalog is one row (`units`), and each patient, appointment, note and document one row of
//! `records`, its body the JSON of the state document (C49). A write request changes the
//! in-memory world as always; before its answer is sent, [`Store::commit`] takes the records the
//! world changed ([`InMemoryEhr::take_changes`](leyr_in_memory::InMemoryEhr::take_changes))
//! and writes them in one transaction, so every 2xx is on disk first and a crash leaves each
//! operation all there or not there at all. At start the rows are read back as a state document
//! and loaded like an import, through the adapter and its rules.
//!
//! A file is ours when its SQLite `application_id` is [`APPLICATION_ID`] and its
//! `user_version` is [`SCHEMA_VERSION`]; a new (empty) file is made ours; anything else is
//! refused before it is changed in any way.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use leyr_domain::ehr;
use leyr_in_memory::Change;
use rusqlite::{Connection, params};

use crate::admin::state_doc::{self, CareUnitDoc, StateDocument, WorldDoc};
use crate::worlds::Served;

/// The SQLite `application_id` of a sandbox state file: "LEYR" in ASCII.
pub const APPLICATION_ID: i32 = 0x4C45_5952;

/// The layout of the file this version writes; any other is refused.
pub const SCHEMA_VERSION: i32 = 1;

const SCHEMA: &str = "
CREATE TABLE units (
    emr TEXT NOT NULL,
    care_unit TEXT NOT NULL,
    catalog TEXT NOT NULL,
    PRIMARY KEY (emr, care_unit)
);
CREATE TABLE records (
    seq INTEGER PRIMARY KEY,
    emr TEXT NOT NULL,
    care_unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (emr, care_unit, kind, id)
);
";

/// Why a state file cannot be used. The sandbox refuses to start (exit code 1) and leaves the
/// file as it was.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StateFileError {
    /// The file could not be opened or created.
    #[error("the state file {path} could not be opened: {source}")]
    Open {
        /// The file.
        path: PathBuf,
        /// What SQLite said.
        #[source]
        source: rusqlite::Error,
    },
    /// The file is not a sandbox state file (another SQLite database, or not SQLite at all).
    #[error(
        "{path} is not a Leyr sandbox state file; give a new file name or the file a sandbox wrote"
    )]
    Foreign {
        /// The file.
        path: PathBuf,
    },
    /// The file was written by a sandbox with another layout.
    #[error(
        "{path} was written by an incompatible version of the sandbox (layout {found}, this version reads {SCHEMA_VERSION})"
    )]
    Incompatible {
        /// The file.
        path: PathBuf,
        /// Its layout version.
        found: i32,
    },
    /// The file is a state file, but what it holds cannot be read or loaded.
    #[error("the state file {path} cannot be loaded: {detail}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong, without record contents.
        detail: String,
    },
}

/// An open state file.
pub(crate) struct Store {
    connection: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens `path` (creating it if missing), checks that it is ours, and reads what it holds:
    /// `None` for a new file, which the caller fills with [`Store::replace_all`].
    pub(crate) fn open(path: &Path) -> Result<(Self, Option<StateDocument>), StateFileError> {
        let open_error = |source| StateFileError::Open {
            path: path.to_owned(),
            source,
        };
        let foreign = || StateFileError::Foreign {
            path: path.to_owned(),
        };
        let connection = Connection::open(path).map_err(open_error)?;
        // Reading the header fails on a file that is not SQLite: nothing has been written.
        let application_id: i32 = connection
            .query_row("PRAGMA application_id", [], |row| row.get(0))
            .map_err(|_| foreign())?;
        let version: i32 = connection
            .query_row("PRAGMA user_version", [], |row| row.get(0))
            .map_err(|_| foreign())?;
        let tables: i64 = connection
            .query_row("SELECT count(*) FROM sqlite_master", [], |row| row.get(0))
            .map_err(|_| foreign())?;
        let fresh = application_id == 0 && version == 0 && tables == 0;
        if !fresh && application_id != APPLICATION_ID {
            return Err(foreign());
        }
        if !fresh && version != SCHEMA_VERSION {
            return Err(StateFileError::Incompatible {
                path: path.to_owned(),
                found: version,
            });
        }
        // Durable before the answer (C50): WAL, and a sync at every commit. Set only once the
        // file is known to be ours (or new), and after a held world has been read: a file that
        // is refused is left exactly as it was.
        let durable = |connection: &Connection| {
            connection
                .execute_batch("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
                .map_err(open_error)
        };
        if fresh {
            durable(&connection)?;
            connection
                .execute_batch(&format!(
                    "BEGIN; {SCHEMA} PRAGMA application_id = {APPLICATION_ID}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
                ))
                .map_err(open_error)?;
            return Ok((
                Self {
                    connection: Mutex::new(connection),
                },
                None,
            ));
        }
        let document = read_document(&connection).map_err(|detail| StateFileError::Corrupt {
            path: path.to_owned(),
            detail,
        })?;
        durable(&connection)?;
        Ok((
            Self {
                connection: Mutex::new(connection),
            },
            Some(document),
        ))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.connection
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Replaces everything the file holds with `document`, in one transaction, then calls
    /// `then` (which serves the new worlds) before another commit can run.
    pub(crate) fn replace_all(
        &self,
        document: StateDocument,
        then: impl FnOnce(),
    ) -> Result<(), rusqlite::Error> {
        let mut connection = self.lock();
        let transaction = connection.transaction()?;
        transaction.execute("DELETE FROM records", [])?;
        transaction.execute("DELETE FROM units", [])?;
        {
            let mut unit_row = transaction
                .prepare("INSERT INTO units (emr, care_unit, catalog) VALUES (?1, ?2, ?3)")?;
            let mut record_row = transaction.prepare(
                "INSERT INTO records (emr, care_unit, kind, id, body) VALUES (?1, ?2, ?3, ?4, ?5)",
            )?;
            for world in document.emrs {
                for mut unit in world.care_units {
                    // The records leave the unit, and what stays is its catalog.
                    let patients = std::mem::take(&mut unit.patients);
                    let appointments = std::mem::take(&mut unit.appointments);
                    let notes = std::mem::take(&mut unit.medical_notes);
                    let documents = std::mem::take(&mut unit.documents);
                    let confirmations = std::mem::take(&mut unit.confirmations);
                    unit_row.execute(params![world.emr, unit.id, to_json(&unit)?])?;
                    let mut write = |kind: &str, id: &str, body: String| {
                        record_row.execute(params![world.emr, unit.id, kind, id, body])
                    };
                    for patient in &patients {
                        write("patient", &patient.emr_id, to_json(patient)?)?;
                    }
                    for appointment in &appointments {
                        write("appointment", &appointment.id, to_json(appointment)?)?;
                    }
                    for note in &notes {
                        write("note", &note.note.id, to_json(note)?)?;
                    }
                    for document in &documents {
                        write("document", &document.document.id, to_json(document)?)?;
                    }
                    for confirmation in &confirmations {
                        write(
                            "confirmation",
                            &confirmation.appointment_id,
                            to_json(confirmation)?,
                        )?;
                    }
                }
            }
        }
        transaction.commit()?;
        then();
        Ok(())
    }

    /// Writes every record the worlds changed since the last commit, in one transaction. Holds
    /// the file's lock while taking the changes, so when it returns every change made before the
    /// call is on disk, whichever request's commit wrote it.
    pub(crate) fn commit(&self, served: &Served) -> Result<(), rusqlite::Error> {
        let mut connection = self.lock();
        let mut changes = Vec::new();
        for ehr in served.ehrs() {
            let code = ehr.profile().code;
            changes.extend(ehr.take_changes().into_iter().map(|change| (code, change)));
        }
        if changes.is_empty() {
            return Ok(());
        }
        let transaction = connection.transaction()?;
        {
            let mut upsert = transaction.prepare_cached(
                "INSERT INTO records (emr, care_unit, kind, id, body) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (emr, care_unit, kind, id) DO UPDATE SET body = excluded.body",
            )?;
            for (emr, change) in &changes {
                let (care_unit, kind, id, body) = match change {
                    Change::Patient(patient) => (
                        patient.care_unit_id.to_string(),
                        "patient",
                        patient.emr_id.to_string(),
                        to_json(&state_doc::patient_doc(patient))?,
                    ),
                    Change::Appointment(appointment) => (
                        appointment.care_unit_id().to_string(),
                        "appointment",
                        appointment.id().to_string(),
                        to_json(&state_doc::appointment_doc(appointment))?,
                    ),
                    Change::Note { care_unit, note } => (
                        care_unit.to_string(),
                        "note",
                        note.note.id.to_string(),
                        to_json(&state_doc::note_doc(note))?,
                    ),
                    Change::Document {
                        care_unit,
                        document,
                    } => (
                        care_unit.to_string(),
                        "document",
                        document.document.id.to_string(),
                        to_json(&state_doc::document_doc(document))?,
                    ),
                    Change::Confirmation {
                        care_unit,
                        confirmation,
                    } => (
                        care_unit.to_string(),
                        "confirmation",
                        confirmation.appointment_id.to_string(),
                        to_json(&state_doc::confirmation_doc(confirmation))?,
                    ),
                    _ => continue,
                };
                upsert.execute(params![emr, care_unit, kind, id, body])?;
            }
        }
        transaction.commit()
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String, rusqlite::Error> {
    serde_json::to_string(value)
        .map_err(|error| rusqlite::Error::ToSqlConversionFailure(Box::new(error)))
}

/// The state document the rows describe, every EHR in `ehr::PROFILES` order.
fn read_document(connection: &Connection) -> Result<StateDocument, String> {
    let sql_error = |error: rusqlite::Error| format!("the database cannot be read ({error})");
    let mut worlds: Vec<WorldDoc> = Vec::new();
    {
        let mut units = connection
            .prepare("SELECT emr, care_unit, catalog FROM units ORDER BY emr, care_unit")
            .map_err(sql_error)?;
        let rows = units
            .query_map([], |row| {
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(2)?))
            })
            .map_err(sql_error)?;
        for row in rows {
            let (emr, catalog) = row.map_err(sql_error)?;
            let unit: CareUnitDoc = serde_json::from_str(&catalog)
                .map_err(|_| "a care unit's catalog is not valid JSON".to_owned())?;
            match worlds.iter_mut().find(|world| world.emr == emr) {
                Some(world) => world.care_units.push(unit),
                None => worlds.push(WorldDoc {
                    emr,
                    care_units: vec![unit],
                }),
            }
        }
    }
    let mut records = connection
        .prepare("SELECT emr, care_unit, kind, body FROM records ORDER BY seq")
        .map_err(sql_error)?;
    let rows = records
        .query_map([], |row| {
            Ok((
                row.get::<_, String>(0)?,
                row.get::<_, String>(1)?,
                row.get::<_, String>(2)?,
                row.get::<_, String>(3)?,
            ))
        })
        .map_err(sql_error)?;
    for row in rows {
        let (emr, care_unit, kind, body) = row.map_err(sql_error)?;
        let unit = worlds
            .iter_mut()
            .find(|world| world.emr == emr)
            .and_then(|world| {
                world
                    .care_units
                    .iter_mut()
                    .find(|unit| unit.id == care_unit)
            })
            .ok_or_else(|| "a record names a care unit the file does not hold".to_owned())?;
        let bad = || format!("a {kind} record is not valid JSON of its kind");
        match kind.as_str() {
            "patient" => unit
                .patients
                .push(serde_json::from_str(&body).map_err(|_| bad())?),
            "appointment" => unit
                .appointments
                .push(serde_json::from_str(&body).map_err(|_| bad())?),
            "note" => unit
                .medical_notes
                .push(serde_json::from_str(&body).map_err(|_| bad())?),
            "document" => unit
                .documents
                .push(serde_json::from_str(&body).map_err(|_| bad())?),
            "confirmation" => unit
                .confirmations
                .push(serde_json::from_str(&body).map_err(|_| bad())?),
            _ => return Err("a record is of an unknown kind".to_owned()),
        }
    }
    worlds.sort_by_key(|world| {
        ehr::PROFILES
            .iter()
            .position(|profile| profile.code == world.emr)
            .unwrap_or(usize::MAX)
    });
    Ok(StateDocument {
        format: state_doc::FORMAT.to_owned(),
        emrs: worlds,
    })
}

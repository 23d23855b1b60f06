//! The EHRs the sandbox serves, one in-memory world per profile (C47), replaced as a whole by a
//! reset or a state import (C49).
//!
//! Requests take the current set once, when they start, and keep it to their end, so a reset
//! never shows a request half of one world and half of another.

use std::sync::{Arc, PoisonError, RwLock};

use chrono::NaiveDate;
use leyr_domain::appointment::ConfirmationCode;
use leyr_domain::ehr::{self, EhrProfile};
use leyr_domain::ports::{Clock, Ports};
use leyr_domain::time::in_stockholm;
use leyr_in_memory::{Dataset, DatasetError, InMemoryEhr};

/// One set of worlds: the adapters, in `ehr::PROFILES` order, and the ports the routes use.
pub(crate) struct Served {
    ehrs: Vec<InMemoryEhr>,
    ports: Vec<(&'static str, Arc<Ports>)>,
}

impl Served {
    fn new(ehrs: Vec<InMemoryEhr>, clock: &Arc<dyn Clock>) -> Self {
        let ports = ehrs
            .iter()
            .map(|ehr| {
                (
                    ehr.profile().code,
                    // The routes check the profile themselves, in C30's order, and look
                    // records up where the EHR's API has no lookup (e.g. the patient of a
                    // booking on an EHR without "get patient").
                    Arc::new(Ports::from_adapter(ehr.unrestricted(), Arc::clone(clock))),
                )
            })
            .collect();
        Self { ehrs, ports }
    }

    /// The ports of `{emr}` `code`.
    pub(crate) fn ports(&self, code: &str) -> Option<&Arc<Ports>> {
        self.ports
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(_, ports)| ports)
    }

    /// The adapters, in `ehr::PROFILES` order.
    pub(crate) fn ehrs(&self) -> &[InMemoryEhr] {
        &self.ehrs
    }
}

/// How the sandbox makes worlds: from the seed (at start and on reset) or from datasets (a
/// state import, `--dataset`, the state file).
#[derive(Clone)]
pub(crate) struct Factory {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) confirmation_code: Option<ConfirmationCode>,
    /// Whether the adapters remember their changes for a state file (C50).
    pub(crate) track_changes: bool,
}

impl Factory {
    fn builder(&self, profile: &'static EhrProfile) -> leyr_in_memory::InMemoryEhrBuilder {
        let mut builder = InMemoryEhr::builder()
            .profile(profile)
            .clock(Arc::clone(&self.clock));
        if let Some(code) = &self.confirmation_code {
            builder = builder.confirmation_code(code.clone());
        }
        if self.track_changes {
            builder = builder.track_changes();
        }
        builder
    }

    /// The seed worlds of every profile, dated from `start_date` (default: the clock's date in
    /// Stockholm). `given` adapters replace the seed of their profile.
    pub(crate) fn seed(
        &self,
        start_date: Option<NaiveDate>,
        given: &[InMemoryEhr],
    ) -> Result<Vec<InMemoryEhr>, DatasetError> {
        let start_date = start_date.unwrap_or_else(|| in_stockholm(&self.clock.now()).date_naive());
        ehr::PROFILES
            .iter()
            .map(
                |profile| match given.iter().find(|ehr| ehr.profile().code == profile.code) {
                    Some(ehr) => Ok(ehr.clone()),
                    None => self.builder(profile).start_date(start_date).build(),
                },
            )
            .collect()
    }

    /// The worlds of these datasets, one per profile in `ehr::PROFILES` order, or every
    /// problem the adapters found, with the `{emr}` of each.
    pub(crate) fn build_datasets(
        &self,
        datasets: Vec<(&'static EhrProfile, Dataset)>,
    ) -> Result<Vec<InMemoryEhr>, Vec<(&'static str, DatasetError)>> {
        let mut ehrs = Vec::with_capacity(datasets.len());
        let mut problems = Vec::new();
        for (profile, dataset) in datasets {
            match self.builder(profile).dataset(dataset).try_build() {
                Ok(ehr) => ehrs.push(ehr),
                Err(found) => {
                    problems.extend(found.into_iter().map(|problem| (profile.code, problem)))
                }
            }
        }
        if problems.is_empty() {
            Ok(ehrs)
        } else {
            Err(problems)
        }
    }
}

/// The current worlds. Cheap to clone; clones share them.
#[derive(Clone)]
pub(crate) struct Worlds {
    current: Arc<RwLock<Arc<Served>>>,
    clock: Arc<dyn Clock>,
}

impl Worlds {
    pub(crate) fn new(ehrs: Vec<InMemoryEhr>, clock: Arc<dyn Clock>) -> Self {
        let served = Served::new(ehrs, &clock);
        Self {
            current: Arc::new(RwLock::new(Arc::new(served))),
            clock,
        }
    }

    /// The worlds served now.
    pub(crate) fn current(&self) -> Arc<Served> {
        Arc::clone(&self.current.read().unwrap_or_else(PoisonError::into_inner))
    }

    /// Serves `ehrs` (in `ehr::PROFILES` order) from now on.
    pub(crate) fn replace(&self, ehrs: Vec<InMemoryEhr>) {
        let served = Arc::new(Served::new(ehrs, &self.clock));
        *self.current.write().unwrap_or_else(PoisonError::into_inner) = served;
    }
}

impl std::fmt::Debug for Worlds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worlds")
            .field("ehrs", &self.current().ehrs.len())
            .finish()
    }
}

//! The prepare stage: a task and its three inputs, checked and committed
//! once — the task validated, its digest (SPEC §5) and the directories'
//! and exclusions' digests (SPEC §3.4, §4) computed, the task's own
//! exclusions united with the lists given — before an announcement, a
//! draw, or the re-run of a verification uses them.

use crate::draw::all_exclusions;
use crate::input::directory::InspectorDirectory;
use crate::input::exclusions::Exclusions;
use crate::input::population::EntitySource;
use crate::record::DigestSummary;
use crate::spec::hash::{hex, Digest32};
use crate::spec::task::Task;
use crate::Result;

/// A task and its inputs, ready to announce and to draw.
pub struct Prepared<'a> {
    pub(crate) task: &'a Task,
    pub(crate) task_digest: Digest32,
    pub(crate) entities: &'a dyn EntitySource,
    pub(crate) entities_digest: Digest32,
    pub(crate) inspectors: &'a InspectorDirectory,
    pub(crate) inspectors_digest: Digest32,
    /// The task's own ids and the lists given, united (SPEC §4).
    pub(crate) exclusions: Exclusions,
    pub(crate) exclusions_digest: Digest32,
}

impl<'a> Prepared<'a> {
    /// Unites the task's exclusions with `exclusions`, validates the task
    /// and commits to the inputs.
    ///
    /// # Errors
    /// `InvalidId` for an exclusion of the task that is not an id;
    /// `InvalidTask` when the task breaks a rule.
    pub fn new(
        task: &'a Task,
        entities: &'a dyn EntitySource,
        inspectors: &'a InspectorDirectory,
        exclusions: &Exclusions,
    ) -> Result<Prepared<'a>> {
        let united = all_exclusions(task, exclusions)?;
        Prepared::united(task, entities, inspectors, united)
    }

    /// As [`Prepared::new`], the exclusions already united.
    pub(crate) fn united(
        task: &'a Task,
        entities: &'a dyn EntitySource,
        inspectors: &'a InspectorDirectory,
        exclusions: Exclusions,
    ) -> Result<Prepared<'a>> {
        task.validate()?;
        Ok(Prepared {
            task,
            task_digest: task.digest(),
            entities,
            entities_digest: entities.directory_digest(),
            inspectors,
            inspectors_digest: inspectors.digest(),
            exclusions_digest: exclusions.digest(),
            exclusions,
        })
    }

    /// The task.
    pub fn task(&self) -> &Task {
        self.task
    }

    /// The exclusion list applied: the task's own ids and the lists given.
    pub fn exclusions(&self) -> &Exclusions {
        &self.exclusions
    }

    pub(crate) fn entities_summary(&self) -> DigestSummary {
        summary(self.entities.count(), &self.entities_digest)
    }

    pub(crate) fn inspectors_summary(&self) -> DigestSummary {
        summary(self.inspectors.len(), &self.inspectors_digest)
    }

    pub(crate) fn exclusions_summary(&self) -> DigestSummary {
        summary(self.exclusions.len(), &self.exclusions_digest)
    }
}

pub(crate) fn summary(count: usize, digest: &Digest32) -> DigestSummary {
    DigestSummary {
        count: count as u64,
        digest: hex(digest),
    }
}
